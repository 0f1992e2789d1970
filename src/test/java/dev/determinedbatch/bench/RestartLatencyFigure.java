package dev.determinedbatch.bench;

import dev.determinedbatch.testsupport.BootableJar;
import dev.determinedbatch.testsupport.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * P6 beside the restore: restart latency, from the restart request to the first new step, at 1 and
 * 100 MB of state, through the bootable jar in local mode: job {@code train} (a hidden layer wide
 * enough for the size) runs to its first checkpoint and is stopped; then {@code POST .../restart}
 * is sent and the training status of the new execution is read every 10 ms until its steps pass
 * the checkpoint's. So the figure holds the new execution's start, the restore and one training
 * step (at 100 MB about a billion multiply-adds), to within the 10 ms of the polling. The server
 * runs with {@code -Xmx2g}: the 100 MB model, its snapshot and its files' encoding need it.
 */
final class RestartLatencyFigure implements Figure {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(10);

    @Override
    public String name() {
        return "P6";
    }

    @Override
    public List<BenchmarkRow> run(BenchmarkOptions options) throws Exception {
        int rounds = options.pick(3, 1);
        List<BenchmarkRow> rows = new ArrayList<>();
        Path work = Files.createDirectories(options.work().resolve("p6-restart"));
        try {
            Path dataDir = Files.createDirectories(work.resolve("data"));
            // a 100 MB model needs a heap for it, its snapshot and its files' encoding
            try (BootableJar server = BootableJar.startWithJvmOptions(options.jar(), dataDir, null,
                    options.work().resolve("p6-server.log"), List.of("-Xmx2g"))) {
                JobApi api = new JobApi(server.base());
                for (int megabytes : List.of(1, 100)) {
                    List<Double> latencies = new ArrayList<>();
                    for (int round = 0; round <= rounds; round++) {
                        double millis = restartLatency(api, megabytes, "p6-" + megabytes + "-" + round);
                        System.out.printf(Locale.ROOT, "P6 restart %d MB%s: %.0f ms%n", megabytes,
                                round == 0 ? " (warm-up)" : "", millis);
                        if (round > 0) {
                            latencies.add(millis);
                        }
                    }
                    rows.add(BenchmarkRow.info("P6", "restart " + StateSizes.label(megabytes), Samples.median(latencies),
                            "ms from the restart request to the first new step, bootable jar, median of " + rounds));
                }
            }
        } finally {
            Trees.delete(work);
        }
        return rows;
    }

    private static double restartLatency(JobApi api, int megabytes, String trial) throws Exception {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("hiddenUnits", String.valueOf(StateSizes.hiddenUnitsFor(megabytes)));
        parameters.put("epochs", "1");
        parameters.put("checkpointEverySteps", "2");
        parameters.put("checkpointEverySeconds", "0");
        parameters.put("externalTrialId", trial);
        long first = api.start("train", parameters);
        await(api, first, status -> status.get("latestCheckpoint") != null, "a checkpoint");
        api.stop(first);
        awaitEnded(api, first, "STOPPED");
        long resumedAt = ((Number) api.training(first).get("stepsCompleted")).longValue();

        long start = System.nanoTime();
        long restarted = api.restart(first);
        await(api, restarted, status -> ((Number) status.get("stepsCompleted")).longValue() > resumedAt,
                "a step past " + resumedAt);
        double millis = Samples.secondsSince(start) * 1e3;
        api.stop(restarted);
        awaitEnded(api, restarted, "STOPPED");
        return millis;
    }

    private static void await(JobApi api, long execution, Predicate<Map<String, Object>> reached, String what)
            throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Map<String, Object> status = api.training(execution);
            if (reached.test(status)) {
                return;
            }
            String batchStatus = String.valueOf(status.get("batchStatus"));
            if (Set.of("FAILED", "STOPPED", "ABANDONED", "COMPLETED").contains(batchStatus)) {
                throw new IllegalStateException("execution " + execution + " ended " + batchStatus + " before " + what
                        + ": " + api.execution(execution).get("exitStatus"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("execution " + execution + " has not reached " + what + " within " + TIMEOUT);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Until the job listener has set the exit status (a restart before that may be refused). */
    private static void awaitEnded(JobApi api, long execution, String status) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            Map<String, Object> entity = api.execution(execution);
            String exitStatus = String.valueOf(entity.get("exitStatus"));
            if (status.equals(entity.get("batchStatus")) && exitStatus.startsWith(status + " steps=")) {
                return;
            }
            if (Set.of("FAILED", "ABANDONED", "COMPLETED").contains(String.valueOf(entity.get("batchStatus")))) {
                throw new IllegalStateException("execution " + execution + " ended " + entity.get("batchStatus")
                        + " instead of " + status + ": " + exitStatus);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("execution " + execution + " has not ended " + status + " within " + TIMEOUT);
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
