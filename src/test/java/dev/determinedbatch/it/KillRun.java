package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.batch.support.CheckpointWritePause;
import dev.determinedbatch.standin.Checkpoint;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.testsupport.BootableJar;
import dev.determinedbatch.testsupport.HeldWrite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One training job through the kills of a {@link KillPlan}, each followed by a new server on the
 * same data directory and a restart of the recovered execution over HTTP. Mid-write kills arm the
 * test-only {@link CheckpointWritePause} and kill once the store is held. After every kill (no
 * server running) and at the end it checks the storage ({@link CheckpointStorageAudit}) and what
 * the master was told; each restarted execution must resume from the furthest checkpoint the
 * master knew at the kill, or a later one; the last must end with the weights of an uninterrupted run.
 */
final class KillRun {

    private static final Duration WAIT = Duration.ofSeconds(120);
    /** TrainingStepReader's line; numbers may carry grouping separators. */
    private static final Pattern RESUMED = Pattern.compile(
            "execution ([\\d,.]+): trial \\S+ resumes at step ([\\d,.\\u00a0]+) from checkpoint ([0-9a-f-]{36}) ");

    private final KillPlan plan;
    private final String experiment;
    private final int epochs;

    KillRun(KillPlan plan, String experiment, int epochs) {
        this.plan = plan;
        this.experiment = experiment;
        this.epochs = epochs;
    }

    /** Runs the plan; returns the summary line it also prints. */
    String run(Path work) throws Exception {
        Files.createDirectories(work);
        Path dataDir = Files.createTempDirectory(work, "data-");
        Path log = work.resolve(dataDir.getFileName() + ".log");
        Path pauses = work.resolve(dataDir.getFileName() + "-pauses");
        Map<String, String> serverProperties = Map.of(CheckpointWritePause.CONFIG_KEY, pauses.toString());
        CheckpointStorageAudit audit = new CheckpointStorageAudit(dataDir.resolve("checkpoints"));
        List<String> killedInWrites = new ArrayList<>();
        String seed = "seed " + plan.seed();
        try (StandInMaster master = StandInMaster.start()) {
            String masterUrl = master.url();
            long logStart = logSize(log);
            BootableJar server = BootableJar.start(dataDir, masterUrl, log, serverProperties);
            Map<String, String> parameters = TrainingApi.longRun(experiment, "killed", epochs, 31);
            String trial = parameters.get("externalTrialId");
            long execution;
            Long resumeFloor = null;
            int resumed = 0;
            try {
                TrainingApi api = new TrainingApi(server.url());
                master.clearRequests();
                execution = api.start("train", parameters).executionId();
                for (KillPlan.Kill kill : plan.kills()) {
                    String context = seed + ", kill " + kill.number();
                    awaitCheckpoints(master, kill.checkpointsBefore(), context);
                    HeldWrite paused = null;
                    if (kill.midWrite()) {
                        Files.createFile(pauses.resolve(CheckpointWritePause.armFile(kill.phase())));
                        paused = HeldWrite.await(pauses, WAIT);
                        assertThat(paused.phase()).as(context).isEqualTo(kill.phase());
                    } else {
                        // the random moment is the point of a mid-chunk kill: no condition to wait for
                        Thread.sleep(kill.extraMillis());
                    }
                    if (resumeFloor != null) {
                        assertResumed(log, logStart, execution, resumeFloor, master, context);
                        resumed++;
                    }
                    long pid = server.pid();
                    server.kill(-9);
                    server.close();
                    Files.deleteIfExists(pauses.resolve(CheckpointWritePause.MARKER));
                    System.out.println("kill-test: kill " + kill.number() + " of " + plan.kills().size()
                            + ": execution " + execution + ", pid " + pid + ", after " + kill.checkpointsBefore()
                            + " checkpoint(s), " + (paused == null ? "mid-chunk + " + kill.extraMillis() + " ms"
                            : "mid-write at " + paused.phase() + " of checkpoint " + paused.uuid()));

                    audit.assertOnlyCompleteCheckpoints(pid, context);
                    audit.assertAllVerify(reported(master), context);
                    if (paused != null) {
                        assertKilledWrite(audit, master, paused, context);
                        killedInWrites.add(paused.uuid());
                    }
                    resumeFloor = furthestReported(master, trial);

                    logStart = logSize(log);
                    server = BootableJar.start(dataDir, masterUrl, log, serverProperties);
                    api = new TrainingApi(server.url());
                    Map<String, Object> left = api.get("api/jobexecutions/" + execution).body();
                    if ("COMPLETED".equals(left.get("batchStatus"))) {
                        System.out.println("kill-test: execution " + execution + " had completed before kill "
                                + kill.number());
                        resumeFloor = null;
                        break;
                    }
                    assertThat(left).as(context).containsEntry("batchStatus", "FAILED");
                    assertThat((String) left.get("exitStatus")).as(context)
                            .startsWith("FAILED: recovered after crash of server ").endsWith(", pid " + pid + ")");
                    master.clearRequests();
                    execution = api.restart(execution, context);
                }
                api.assertCompletesWithTheWeightsOfAnUninterruptedRun(execution, TrainingApi.longRun(experiment,
                        "reference", epochs, 31), seed);
                if (resumeFloor != null) {
                    assertResumed(log, logStart, execution, resumeFloor, master, seed + ", last run");
                    resumed++;
                }
                Object weights = api.training(execution).get("modelSha256");
                server.stop();
                List<String> stored = audit.assertOnlyCompleteCheckpoints(null, seed + ", at the end");
                List<String> reported = reported(master);
                audit.assertAllVerify(reported, seed + ", at the end");
                assertThat(reported).as(seed + ": checkpoints killed inside their write were never reported")
                        .doesNotContainAnyElementsOf(killedInWrites);
                String summary = "kill-test: " + seed + ": " + plan.kills().size() + " kills, " + killedInWrites.size()
                        + " inside a checkpoint write; " + resumed + " restarts resumed from the furthest reported"
                        + " checkpoint; " + reported.size() + " reported and " + stored.size() + " stored checkpoints"
                        + " verify, no staging or orphan manifest left; modelSha256 " + weights
                        + " equals the uninterrupted run's";
                System.out.println(summary);
                return summary;
            } finally {
                server.close();
            }
        }
    }

    /** What a store held at its phase and killed left: never reported, and what its phase promises. */
    private static void assertKilledWrite(CheckpointStorageAudit audit, StandInMaster master, HeldWrite paused,
                                          String context) throws IOException {
        String uuid = paused.uuid();
        assertThat(master.state().findCheckpoint(uuid)).as(context + ": killed inside its write, never reported")
                .isEmpty();
        switch (paused.phase()) {
            case FILES_STAGED -> audit.assertStagedOnly(uuid, false, context);
            case MANIFEST_WRITTEN -> audit.assertStagedOnly(uuid, true, context);
            case PUBLISHED -> audit.assertVerifies(uuid, context + ": published, unreported");
        }
    }

    /**
     * Asserts the execution resumed (its reader's log line in this server's part of the log) from
     * a checkpoint the master knows, at no fewer steps than {@code floor}.
     */
    private static void assertResumed(Path log, long from, long execution, long floor, StandInMaster master,
                                      String context) throws IOException {
        byte[] all = Files.readAllBytes(log);
        String text = new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8);
        Matcher line = RESUMED.matcher(text);
        while (line.find()) {
            if (digits(line.group(1)) != execution) {
                continue;
            }
            long steps = digits(line.group(2));
            String uuid = line.group(3);
            assertThat(steps).as(context + ": execution " + execution + " resumed at step").isPositive()
                    .isGreaterThanOrEqualTo(floor);
            assertThat(master.state().findCheckpoint(uuid).map(Checkpoint::stepsCompleted))
                    .as(context + ": the master's checkpoint " + uuid + " it resumed from").contains(steps);
            return;
        }
        throw new AssertionError(context + ": execution " + execution + " did not resume from a checkpoint"
                + " (no resume line in its server's log " + log + ")");
    }

    private static long digits(String number) {
        return Long.parseLong(number.replaceAll("\\D", ""));
    }

    /** Every checkpoint the master was told of, and not told to delete. */
    private static List<String> reported(StandInMaster master) {
        return master.state().checkpoints().stream().filter(c -> !"STATE_DELETED".equals(c.state()))
                .map(Checkpoint::uuid).toList();
    }

    private static long furthestReported(StandInMaster master, String trial) {
        return master.state().checkpoints().stream()
                .filter(c -> trial.equals(c.metadata().get("external_trial_id")))
                .mapToLong(Checkpoint::stepsCompleted).max().orElse(0);
    }

    /** Waits for {@code count} more checkpoint reports, each bounded. */
    private static void awaitCheckpoints(StandInMaster master, int count, String context) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            StandInTrials.awaitCheckpointReport(master, WAIT, context + ": no checkpoint reported");
            master.clearRequests();
        }
    }

    private static long logSize(Path log) throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }
}
