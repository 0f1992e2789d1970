package dev.determinedbatch.bench;

import dev.determinedbatch.testsupport.Trees;
import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.json.PythonJson;
import dev.determinedbatch.standin.MasterState;
import dev.determinedbatch.standin.MetricReport;
import dev.determinedbatch.standin.RecordedRequest;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.testsupport.BootableJar;
import dev.determinedbatch.testsupport.TestApiUsers;
import dev.determinedbatch.standin.Trial;
import dev.determinedbatch.training.DigitsDataset;
import dev.determinedbatch.training.StepResult;
import dev.determinedbatch.training.TrainingParameters;
import dev.determinedbatch.training.TrainingRun;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Prints steps per second of the sample training job with the Determined integration off and on,
 * measured in the same run, and their ratio.
 *
 * <ul>
 * <li>Off: {@link TrainingRun} stepped in a plain loop in this JVM, with the job's epoch-end
 *     evaluation on the validation split; no batch, no Determined.</li>
 * <li>On: job {@code train} in the bootable jar (a child process) reporting to a master stand-in
 *     in this JVM over loopback, started over the job-control API.</li>
 * </ul>
 *
 * <p>A job's duration runs from its execution's {@code startTime} to the stand-in's receipt of the
 * trial's end. Not to the execution's {@code endTime}: JBeret stamps that before the job listeners'
 * {@code afterJob}, where the trial session closes, which delivers the metrics still queued and
 * marks the trial COMPLETED. Both times are the host's wall clock, read in two JVMs. JBeret's own
 * span is printed too.
 *
 * <p>Same parameters for both, one warm-up run each, then the median of {@code bench.rounds}; the
 * runs off and the jobs on alternate.
 * {@code mvn -B -q package -DskipTests && mvn -B -q -DskipTests test-compile exec:java@training-benchmark
 * [-Dbench.rounds=5 -Dbench.epochs=30 -Dbench.seed=42 -Dbench.batchSize=32 -Dbench.checkpointEverySteps=90
 * -Dbench.reportEverySteps=10 -Dbench.jar=target/determined-batch-bootable.jar]}
 */
public final class TrainingJobBenchmark {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

    /** One run off: its duration and the model it trained. */
    private record OffRun(Duration duration, String modelSha256) {
    }

    /**
     * One job: {@code duration} from startTime to the trial's end at the stand-in; JBeret's span
     * (startTime to endTime); wall time from sending the start to seeing the job's exit status.
     */
    private record OnRun(Duration duration, Duration jberet, Duration wall, String modelSha256, Received received,
            Requests requests) {
    }

    /** What the stand-in holds for one job's trial. */
    private record Received(int checkpoints, int trainingReports, int stepMetrics, int validationReports,
            String trialState) {
        @Override
        public String toString() {
            return checkpoints + " checkpoints, " + trainingReports + " training metric reports (" + stepMetrics
                    + " per-step batch metrics), " + validationReports + " validation metric reports; trial "
                    + trialState;
        }
    }

    /** The HTTP requests the stand-in received during one job, by method and path (ids as {id}). */
    private record Requests(int total, int notOk, Map<String, Long> byKind) {
        static Requests of(List<RecordedRequest> requests) {
            Map<String, Long> byKind = requests.stream().collect(Collectors.groupingBy(
                    r -> r.method() + " " + r.path().replaceAll("/[0-9][^/]*", "/{id}"), Collectors.counting()));
            Map<String, Long> sorted = new LinkedHashMap<>();
            byKind.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                    .thenComparing(Map.Entry.comparingByKey())).forEach(e -> sorted.put(e.getKey(), e.getValue()));
            return new Requests(requests.size(), (int) requests.stream().filter(r -> r.status() != 200).count(), sorted);
        }
    }

    private final TrainingParameters parameters;
    private final int checkpointEverySteps;
    private final int reportEverySteps;
    private final int rounds;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private TrainingJobBenchmark(TrainingParameters parameters, int checkpointEverySteps, int reportEverySteps,
            int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("bench.rounds must be positive, got " + rounds);
        }
        this.parameters = parameters;
        this.checkpointEverySteps = checkpointEverySteps;
        this.reportEverySteps = reportEverySteps;
        this.rounds = rounds;
    }

    public static void main(String[] args) throws Exception {
        TrainingParameters defaults = TrainingParameters.defaults();
        TrainingParameters parameters = new TrainingParameters(Long.getLong("bench.seed", defaults.seed()),
                Integer.getInteger("bench.epochs", defaults.epochs()),
                Integer.getInteger("bench.batchSize", defaults.batchSize()), defaults.learningRate(),
                defaults.momentum(), defaults.hiddenUnits());
        TrainingJobBenchmark bench = new TrainingJobBenchmark(parameters,
                Integer.getInteger("bench.checkpointEverySteps", 90), Integer.getInteger("bench.reportEverySteps", 10),
                Integer.getInteger("bench.rounds", 5));
        Path jar = Path.of(System.getProperty("bench.jar", "target/determined-batch-bootable.jar"));
        bench.run(jar);
    }

    private void run(Path jar) throws Exception {
        DigitsDataset.Split data = DigitsDataset.loadBundled().split();
        long loadStart = System.nanoTime();
        DigitsDataset.loadBundled().split(); // timed the second time, as a job in a warm server reads it
        Duration load = Duration.ofNanos(System.nanoTime() - loadStart);
        long steps = TrainingRun.start(parameters, data).totalSteps();
        System.out.printf("parameters: %s, i.e. %d steps and %d validations (%d rows) per run; on also"
                        + " checkpointEverySteps %d, reportEverySteps %d; %d rounds after 1 warm-up, off and on alternating%n",
                parameters.asMap(), steps, parameters.epochs(), data.validation().size(), checkpointEverySteps,
                reportEverySteps, rounds);

        List<OffRun> off = new ArrayList<>();
        List<OnRun> on = new ArrayList<>();
        measure(jar, data, off, on);

        double offSeconds = median(off.stream().map(OffRun::duration).toList());
        double onSeconds = median(on.stream().map(OnRun::duration).toList());
        System.out.printf("training job, integration off: %.0f steps/s (median of %d: %.3f s per run; rounds %s s)%n",
                steps / offSeconds, rounds, offSeconds, seconds(off.stream().map(OffRun::duration).toList()));
        System.out.printf("integration on (WildFly + Jakarta Batch + Determined stand-in over loopback): %.0f steps/s"
                        + " (median of %d: %.3f s per job, the execution's startTime to the trial's end at the"
                        + " stand-in; rounds %s s)%n",
                steps / onSeconds, rounds, onSeconds, seconds(on.stream().map(OnRun::duration).toList()));
        System.out.printf("ratio on/off: %.2f%n", offSeconds / onSeconds);
        System.out.printf("(on, medians: JBeret's startTime to endTime %.3f s, which ends before afterJob closes the"
                        + " trial; wall time from POST start to the exit status %.3f s)%n",
                median(on.stream().map(OnRun::jberet).toList()), median(on.stream().map(OnRun::wall).toList()));
        System.out.printf("(the on job also reads and splits the bundled dataset, %.0f ms here, which off does once"
                + " outside its timing)%n", load.toNanos() / 1e6);
        List<Received> received = on.stream().map(OnRun::received).distinct().toList();
        if (received.size() == 1) {
            System.out.println("the stand-in received per job: " + received.get(0));
        } else {
            on.forEach(r -> System.out.println("the stand-in received: " + r.received()));
        }
        IntSummaryStatistics requests = on.stream().mapToInt(r -> r.requests().total()).summaryStatistics();
        int notOk = on.stream().mapToInt(r -> r.requests().notOk()).sum();
        System.out.printf("HTTP requests per job: %d to %d, %s; the last job's: %s%n", requests.getMin(),
                requests.getMax(), notOk == 0 ? "all answered 200" : notOk + " not answered 200",
                on.get(on.size() - 1).requests().byKind().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                        .collect(Collectors.joining(", ")));
        String offModel = off.get(0).modelSha256();
        boolean sameModel = Stream.concat(off.stream().map(OffRun::modelSha256), on.stream().map(OnRun::modelSha256))
                .allMatch(offModel::equals);
        System.out.printf("same model weights in every run, on and off: %s (sha256 %s...)%n", sameModel ? "yes" : "NO",
                offModel.substring(0, 16));
    }

    /**
     * Alternates a run off and a job on, warm-up first, so that both see the same load from
     * anything else on the machine.
     */
    private void measure(Path jar, DigitsDataset.Split data, List<OffRun> off, List<OnRun> on) throws Exception {
        Path work = Files.createTempDirectory("determined-batch-training-bench");
        try (StandInMaster master = StandInMaster.start(0)) {
            long booting = System.nanoTime();
            Path dataDir = Files.createDirectories(work.resolve("data"));
            try (BootableJar server = BootableJar.start(jar, dataDir, master.url(), work.resolve("server.log"))) {
                Duration boot = Duration.ofNanos(System.nanoTime() - booting);
                System.out.printf("server answered after %.1f s%n", boot.toMillis() / 1e3);
                for (int round = 0; round <= rounds; round++) {
                    OffRun offRun = offRun(data);
                    master.clearRequests();
                    OnRun onRun = job(server, master, "bench-" + round);
                    if (round > 0) {
                        off.add(offRun);
                        on.add(onRun);
                    }
                }
            }
        } finally {
            Trees.delete(work);
        }
    }

    /** The job's arithmetic in a plain loop: steps, and an evaluation at each epoch's end. */
    private OffRun offRun(DigitsDataset.Split data) {
        long start = System.nanoTime();
        TrainingRun run = TrainingRun.start(parameters, data);
        float sink = 0;
        while (!run.finished()) {
            StepResult step = run.step();
            if (step.endOfEpoch()) {
                sink += run.evaluate(data.validation()).accuracy();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (sink < 0) {
            System.out.println(); // keeps the evaluations alive
        }
        return new OffRun(took, run.modelSha256());
    }

    /**
     * Starts job {@code train} and waits (bounded) until it has ended, its trial has ended at the
     * stand-in and its exit status names the model: the last thing its afterJob does.
     */
    private OnRun job(BootableJar server, StandInMaster master, String externalTrialId)
            throws IOException, InterruptedException {
        Map<String, String> jobParameters = new LinkedHashMap<>();
        parameters.asMap().forEach((name, value) -> jobParameters.put(name, String.valueOf(value)));
        jobParameters.put("checkpointEverySteps", String.valueOf(checkpointEverySteps));
        jobParameters.put("reportEverySteps", String.valueOf(reportEverySteps));
        jobParameters.put("externalTrialId", externalTrialId);

        long wallStart = System.nanoTime();
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(server.base().resolve("api/jobs/train/start"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .header("Authorization", TestApiUsers.OPERATOR.basicAuthorization())
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(PythonJson.wire(jobParameters)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 201) {
            throw new IllegalStateException("starting job train answered " + started.statusCode() + ": " + started.body());
        }
        long id = ((Number) JsonText.readJsonObject(started.body()).get("executionId")).longValue();
        URI execution = server.base().resolve("api/jobexecutions/" + id);
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        Map<String, Object> entity;
        while (true) {
            entity = JsonText.readJsonObject(http.send(HttpRequest.newBuilder(execution).timeout(Duration.ofSeconds(60))
                    .header("Authorization", TestApiUsers.OPERATOR.basicAuthorization())
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString()).body());
            String status = String.valueOf(entity.get("batchStatus"));
            // JBeret answers exit status COMPLETED until afterJob sets the job's own
            if (status.equals("COMPLETED") && String.valueOf(entity.get("exitStatus")).contains("model_sha256=")
                    && trial(master, externalTrialId).map(Trial::ended).orElse(false)) {
                break;
            }
            if (Set.of("FAILED", "STOPPED", "ABANDONED").contains(status)) {
                Thread.sleep(1000); // lets the server log why
                throw new IllegalStateException("execution " + id + " ended " + status + ": " + entity.get("exitStatus")
                        + "; the end of the server's log:\n" + server.logTail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("execution " + id + " has not ended within " + JOB_TIMEOUT.toMinutes()
                        + " min: " + entity);
            }
            Thread.sleep(50); // the durations come from timestamps, not from this loop
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - wallStart);
        String exitStatus = String.valueOf(entity.get("exitStatus"));
        String model = exitStatus.replaceFirst(".*model_sha256=(\\p{XDigit}+).*", "$1");
        Trial trial = trial(master, externalTrialId).orElseThrow();
        Instant start = instant(entity.get("startTime"));
        Instant end = instant(entity.get("endTime"));
        if (start == null || end == null || trial.endTime() == null) {
            throw new IllegalStateException("execution " + id + " has no startTime or endTime, or trial "
                    + externalTrialId + " no end at the stand-in: " + entity + ", " + trial);
        }
        return new OnRun(Duration.between(start, trial.endTime()), Duration.between(start, end), wall, model,
                received(master.state(), trial), Requests.of(master.requests()));
    }

    private static Optional<Trial> trial(StandInMaster master, String externalTrialId) {
        return master.state().trials().stream().filter(t -> externalTrialId.equals(t.externalTrialId())).findFirst();
    }

    private static Received received(MasterState state, Trial trial) {
        List<MetricReport> metrics = state.metrics(trial.id());
        List<MetricReport> training = metrics.stream().filter(m -> m.group().equals("training")).toList();
        int stepMetrics = training.stream().mapToInt(m -> m.batchMetrics() == null ? 0 : m.batchMetrics().size()).sum();
        int validation = (int) metrics.stream().filter(m -> m.group().equals("validation")).count();
        return new Received(state.checkpoints(trial.id()).size(), training.size(), stepMetrics, validation,
                trial.state());
    }

    /** JBeret's times as JSON: epoch millis, or ISO text such as {@code 2026-11-29T15:26:27.844Z[UTC]}. */
    private static Instant instant(Object value) {
        if (value instanceof Number millis) {
            return Instant.ofEpochMilli(millis.longValue());
        }
        if (value instanceof String text) {
            return ZonedDateTime.parse(text, DateTimeFormatter.ISO_ZONED_DATE_TIME).toInstant();
        }
        return null;
    }

    private static double median(List<Duration> durations) {
        double[] seconds = durations.stream().mapToDouble(d -> d.toNanos() / 1e9).sorted().toArray();
        int mid = seconds.length / 2;
        return seconds.length % 2 == 1 ? seconds[mid] : (seconds[mid - 1] + seconds[mid]) / 2;
    }

    private static String seconds(List<Duration> durations) {
        return durations.stream().map(d -> String.format("%.3f", d.toNanos() / 1e9)).collect(Collectors.joining(" "));
    }

}
