package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.testsupport.BootableJar;
import dev.determinedbatch.standin.StandInMaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A server stopped while it trains, and a new one on the same data directory (same H2 job
 * repository) that restarts the execution: the run resumes and ends with the weights of an
 * uninterrupted one.
 */
class ServerRestartIT {

    @Test
    void aNewServerRestartsTheExecutionTheStoppedOneLeft() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "server-restart-it")).toAbsolutePath();
        Path dataDir = Files.createTempDirectory(work, "data-");
        Path log = work.resolve("servers.log");
        try (StandInMaster master = StandInMaster.start()) {
            String masterUrl = master.url();
            long execution;
            try (BootableJar first = BootableJar.start(dataDir, masterUrl, log)) {
                TrainingApi api = new TrainingApi(first.url());
                execution = api.start("train", parameters("interrupted")).executionId();
                // stop the server once the first checkpoint is reported: mid-training, at no chosen step
                StandInTrials.awaitCheckpointReport(master, Duration.ofSeconds(120), "no checkpoint reported");
                first.stop();
            }
            try (BootableJar second = BootableJar.start(dataDir, masterUrl, log)) {
                TrainingApi api = new TrainingApi(second.url());
                Map<String, Object> left = api.get("api/jobexecutions/" + execution).body();
                assertThat(left.get("batchStatus")).as("what the stopped server left").isIn("STOPPED", "FAILED");

                long resumed = api.restart(execution, "after the server stopped");
                api.assertCompletesWithTheWeightsOfAnUninterruptedRun(resumed, parameters("reference"),
                        "after the server stopped");
                second.stop();
            }
        }
    }

    private static Map<String, String> parameters(String trial) {
        return TrainingApi.longRun("server-restart", trial, 200, 11);
    }
}
