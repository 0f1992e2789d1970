package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.testsupport.BootableJar;
import dev.determinedbatch.standin.StandInMaster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A server killed with {@code kill -9} while it trains leaves its execution STARTED in the job
 * repository; the next server on the same data directory recovers it as FAILED before any job
 * runs, marks the Determined trial of the crashed run ERROR (the master ends no unmanaged trial by
 * itself), and a restart resumes it, trial RUNNING again, to the weights of an uninterrupted run.
 */
class CrashRecoveryIT {

    @Test
    void aServerKilledMidTrainingLeavesAnExecutionTheNextServerRecoversAndRestarts() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "crash-recovery-it")).toAbsolutePath();
        Path dataDir = Files.createTempDirectory(work, "data-");
        Path log = work.resolve(dataDir.getFileName() + ".log");
        try (StandInMaster master = StandInMaster.start()) {
            String masterUrl = master.url();
            Map<String, String> crashed = parameters("crashed");
            long execution;
            long killedPid;
            try (BootableJar first = BootableJar.start(dataDir, masterUrl, log)) {
                execution = new TrainingApi(first.url()).start("train", crashed).executionId();
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
                                + " left STARTED: .*server .* pid " + killedPid + "\\)")
                        .containsPattern("INFO.*DETBATCH-0440 trial crash-recovery/" + crashed.get("externalTrialId")
                                + " \\(Determined trial \\d+, run 1\\) of job execution " + execution + ": its ERROR");
                // the master has no reaper for unmanaged trials: the recovering server ends the trial
                long trialId = StandInTrials.find(master, crashed.get("externalTrialId")).id();
                master.awaitRequest(r -> states(master, trialId).contains("STATE_ERROR"), Duration.ofSeconds(60))
                        .orElseThrow(() -> new AssertionError("the crashed run's trial was never marked ERROR: "
                                + states(master, trialId)));

                long resumed = api.restart(execution, "after kill -9");
                // it runs on this server: a second restart is refused, naming the server (RestartGuard)
                TrainingApi.Answer again = api.post("api/jobexecutions/" + resumed + "/restart", Map.of());
                assertThat(again.status()).as(again.toString()).isEqualTo(409);
                assertThat(again.body()).containsEntry("error", "Conflict");
                assertThat((String) again.body().get("message")).startsWith("job execution " + resumed + " is still ")
                        .contains(" on this server ", "; stop it first");
                api.assertCompletesWithTheWeightsOfAnUninterruptedRun(resumed, parameters("reference"), "after kill -9");
                StandInTrials.await(master, crashed.get("externalTrialId"), "STATE_COMPLETED");
                assertThat(states(master, trialId)).as("the trial's states, in the order the master was told them")
                        .containsExactly("STATE_RUNNING", "STATE_ERROR", "STATE_RUNNING", "STATE_COMPLETED");
                second.stop();
            }
        }
    }

    /** The states the trial was PATCHed to, in order (heartbeats carry none). */
    private static List<String> states(StandInMaster master, long trialId) {
        return master.requests().stream()
                .filter(r -> r.method().equals("PATCH") && r.path().equals("/api/v1/trials/" + trialId) && r.status() == 200)
                .map(r -> JsonText.readJsonObject(r.body())).filter(body -> body.containsKey("state"))
                .map(body -> (String) body.get("state")).toList();
    }

    private static Map<String, String> parameters(String trial) {
        return TrainingApi.longRun("crash-recovery", trial, 300, 23);
    }
}
