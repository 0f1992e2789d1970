package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.testsupport.BootableJar;
import dev.determinedbatch.standin.StandInMaster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A server killed with {@code kill -9} while it trains leaves its execution STARTED in the job
 * repository; the next server on the same data directory recovers it as FAILED before any job
 * runs, and a restart resumes it to the weights of an uninterrupted run.
 */
class CrashRecoveryIT {

    @Test
    void aServerKilledMidTrainingLeavesAnExecutionTheNextServerRecoversAndRestarts() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "crash-recovery-it")).toAbsolutePath();
        Path dataDir = Files.createTempDirectory(work, "data-");
        Path log = work.resolve(dataDir.getFileName() + ".log");
        try (StandInMaster master = StandInMaster.start()) {
            String masterUrl = master.url();
            long execution;
            long killedPid;
            try (BootableJar first = BootableJar.start(dataDir, masterUrl, log)) {
                execution = new TrainingApi(first.url()).start("train", parameters("crashed")).executionId();
                // kill once the first checkpoint is reported: mid-training, at no chosen step
                StandInTrials.awaitCheckpointReport(master, Duration.ofSeconds(120), "no checkpoint reported");
                killedPid = first.pid();
                assertThat(first.kill(-9)).as("exit value after SIGKILL").isEqualTo(137);
            }
            long logBefore = Files.size(log);
            try (BootableJar second = BootableJar.start(dataDir, masterUrl, log)) {
                TrainingApi api = new TrainingApi(second.url());
                Map<String, Object> left = api.get("api/jobexecutions/" + execution).body();
                assertThat(left).as("what the killed server left, after recovery").containsEntry("batchStatus", "FAILED");
                assertThat((String) left.get("exitStatus"))
                        .startsWith("FAILED: recovered after crash of server ").endsWith(", pid " + killedPid + ")");
                // the cause is the gone process, or the timeout if the new server took longer than that to start
                byte[] written = Files.readAllBytes(log);
                assertThat(new String(written, (int) logBefore, written.length - (int) logBefore, StandardCharsets.UTF_8))
                        .containsPattern("WARN.*recovered job execution " + execution + " \\(job train, instance \\d+\\),"
                                + " left STARTED: .*server .* pid " + killedPid + "\\)");

                long resumed = api.restart(execution, "after kill -9");
                api.assertCompletesWithTheWeightsOfAnUninterruptedRun(resumed, parameters("reference"), "after kill -9");
                second.stop();
            }
        }
    }

    private static Map<String, String> parameters(String trial) {
        return TrainingApi.longRun("crash-recovery", trial, 300, 23);
    }
}
