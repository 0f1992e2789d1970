package dev.determinedbatch.bench;

import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.standin.Trial;
import dev.determinedbatch.testsupport.BootableJar;
import dev.determinedbatch.testsupport.Trees;
import dev.determinedbatch.training.DigitsDataset;
import dev.determinedbatch.training.StepResult;
import dev.determinedbatch.training.TrainingParameters;
import dev.determinedbatch.training.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * P1: steps per second of the sample training job with the Determined integration on, over the same
 * training with it off; alternated, median of the pairs' ratios, after a warm-up pair.
 *
 * <ul>
 * <li>On: job {@code train} as users run it, in the bootable jar (a child process), started over the
 *     job-control API, training metrics every step, a checkpoint every 20 steps, reporting to a
 *     master stand-in in this JVM over loopback. Its time runs from the execution's startTime to the
 *     stand-in's receipt of the trial's end (JBeret's endTime comes before the job listener closes
 *     the trial, which delivers what is still queued).</li>
 * <li>Off: the job's arithmetic, {@link TrainingRun} steps and the epoch-end validation, in a plain
 *     loop in this JVM: no batch, no Determined.</li>
 * </ul>
 * Same parameters and same final weights for both (checked). Then draws the plot of steps/s over
 * time ({@link StepsPerSecondPlot}).
 */
final class TrainingStepsFigure implements Figure {

    static final double GOAL = 0.98;
    static final int CHECKPOINT_EVERY_STEPS = 20;
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(15);

    @Override
    public String name() {
        return "P1";
    }

    @Override
    public List<BenchmarkRow> run(BenchmarkOptions options) throws Exception {
        int pairs = options.pick(7, 2);
        TrainingParameters defaults = TrainingParameters.defaults();
        TrainingParameters parameters = new TrainingParameters(defaults.seed(), options.pick(100, 10),
                defaults.batchSize(), defaults.learningRate(), defaults.momentum(), defaults.hiddenUnits());
        DigitsDataset.Split data = DigitsDataset.loadBundled().split();
        long steps = TrainingRun.start(parameters, data).totalSteps();
        System.out.printf("P1: %d steps a run (%d epochs), metrics every step, a checkpoint every %d steps;"
                + " %d pairs after a warm-up pair%n", steps, parameters.epochs(), CHECKPOINT_EVERY_STEPS, pairs);
        List<Double> ratios = new ArrayList<>();
        List<Double> off = new ArrayList<>();
        List<Double> on = new ArrayList<>();
        List<BenchmarkRow> breakdown = new ArrayList<>();
        Path work = Files.createDirectories(options.work().resolve("p1"));
        try (StandInMaster master = StandInMaster.start(0)) {
            Path dataDir = Files.createDirectories(work.resolve("data"));
            try (BootableJar server = BootableJar.start(options.jar(), dataDir, master.url(),
                    options.work().resolve("p1-server.log"))) {
                JobApi api = new JobApi(server.base());
                String model = null;
                for (int pair = 0; pair <= pairs; pair++) {
                    OffRun offRun = offRun(parameters, data);
                    OnRun onRun = job(api, server, master, parameters, CHECKPOINT_EVERY_STEPS, 1, "p1-" + pair);
                    if (!onRun.modelSha256().equals(offRun.modelSha256())) {
                        throw new IllegalStateException("the job trained other weights than the plain loop: "
                                + onRun.modelSha256() + " vs " + offRun.modelSha256());
                    }
                    model = offRun.modelSha256();
                    System.out.printf(Locale.ROOT, "P1 pair %d%s: off %.3f s, on %.3f s%n", pair,
                            pair == 0 ? " (warm-up)" : "", offRun.seconds(), onRun.seconds());
                    if (pair > 0) {
                        off.add(offRun.seconds());
                        on.add(onRun.seconds());
                        ratios.add(offRun.seconds() / onRun.seconds());
                    }
                }
                System.out.println("P1: same weights on and off in every run, sha256 " + model.substring(0, 16) + "...");
                // what bounds it: the same job without checkpoints (one at the end), and without per-step metrics
                double noCheckpoints = job(api, server, master, parameters, 0, 1, "p1-no-checkpoints").seconds();
                double noMetrics = job(api, server, master, parameters, CHECKPOINT_EVERY_STEPS, Integer.MAX_VALUE,
                        "p1-no-metrics").seconds();
                breakdown.add(BenchmarkRow.info("P1", "no checkpoints", steps / noCheckpoints,
                        "steps/s of the job with metrics every step, no checkpoint until the end, one run"));
                breakdown.add(BenchmarkRow.info("P1", "no step metrics", steps / noMetrics,
                        "steps/s of the job with a checkpoint every 20 steps, training metrics never, one run"));
            }
        } finally {
            Trees.delete(work);
        }
        List<BenchmarkRow> rows = new ArrayList<>();
        rows.add(BenchmarkRow.atLeast("P1", "", Samples.median(ratios), GOAL, String.format(Locale.ROOT,
                "on %.0f steps/s in the bootable jar, off %.0f steps/s, %d steps a run, median of %d pairs",
                steps / Samples.median(on), steps / Samples.median(off), steps, pairs)));
        rows.addAll(breakdown);
        rows.addAll(new StepsPerSecondPlot().draw(options));
        return rows;
    }

    private record OffRun(double seconds, String modelSha256) {
    }

    private record OnRun(double seconds, String modelSha256) {
    }

    private static OffRun offRun(TrainingParameters parameters, DigitsDataset.Split data) {
        long start = System.nanoTime();
        TrainingRun run = TrainingRun.start(parameters, data);
        float sink = 0;
        while (!run.finished()) {
            StepResult step = run.step();
            if (step.endOfEpoch()) {
                sink += run.evaluate(data.validation()).accuracy();
            }
        }
        double seconds = Samples.secondsSince(start);
        if (sink < 0) {
            System.out.println(); // keeps the evaluations alive
        }
        return new OffRun(seconds, run.modelSha256());
    }

    /** Runs job {@code train} to its end, bounded; its time from startTime to the trial's end at the stand-in. */
    private static OnRun job(JobApi api, BootableJar server, StandInMaster master, TrainingParameters parameters,
                             int checkpointEverySteps, int reportEverySteps, String externalTrialId) throws Exception {
        Map<String, String> jobParameters = new LinkedHashMap<>();
        parameters.asMap().forEach((name, value) -> jobParameters.put(name, String.valueOf(value)));
        jobParameters.put("checkpointEverySteps", String.valueOf(checkpointEverySteps));
        jobParameters.put("checkpointEverySeconds", "0");
        jobParameters.put("reportEverySteps", String.valueOf(reportEverySteps));
        jobParameters.put("externalTrialId", externalTrialId);
        long id = api.start("train", jobParameters);
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (true) {
            Map<String, Object> entity = api.execution(id);
            String status = String.valueOf(entity.get("batchStatus"));
            Optional<Trial> trial = trial(master, externalTrialId);
            // JBeret answers exit status COMPLETED until afterJob sets the job's own, naming the model
            if (status.equals("COMPLETED") && String.valueOf(entity.get("exitStatus")).contains("model_sha256=")
                    && trial.map(Trial::ended).orElse(false)) {
                Instant start = JobApi.instant(entity.get("startTime"));
                String model = String.valueOf(entity.get("exitStatus")).replaceFirst(".*model_sha256=(\\p{XDigit}+).*", "$1");
                return new OnRun(Duration.between(start, trial.get().endTime()).toNanos() / 1e9, model);
            }
            if (Set.of("FAILED", "STOPPED", "ABANDONED").contains(status)) {
                throw new IllegalStateException("execution " + id + " ended " + status + ": " + entity.get("exitStatus")
                        + "; the end of the server's log:\n" + server.logTail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("execution " + id + " has not ended within " + JOB_TIMEOUT);
            }
            Thread.sleep(50); // the durations come from timestamps, not from this loop
        }
    }

    private static Optional<Trial> trial(StandInMaster master, String externalTrialId) {
        return master.state().trials().stream().filter(t -> externalTrialId.equals(t.externalTrialId())).findFirst();
    }
}
