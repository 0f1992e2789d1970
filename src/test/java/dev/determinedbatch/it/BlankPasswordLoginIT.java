package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.standin.RecordedRequest;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.testsupport.BootableJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A fresh Determined cluster's default user has a blank password, and Determined's docs log in
 * with {@code DET_USER=determined DET_PASS=}: the server, given exactly those variables (and
 * {@code DET_MASTER}) in its environment, trains against the master as that user.
 */
class BlankPasswordLoginIT {

    @Test
    void theServerLogsInWithAnEmptyDetPassAndTrains() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "blank-password-it")).toAbsolutePath();
        Path dataDir = Files.createTempDirectory(work, "data-");
        Path log = work.resolve("server.log");
        try (StandInMaster master = StandInMaster.start()) {
            master.addUser("determined", "");
            Map<String, String> environment = Map.of("DET_MASTER", master.url(), "DET_USER", "determined", "DET_PASS", "");
            try (BootableJar server = BootableJar.startWithEnvironment(dataDir, log, environment)) {
                TrainingApi api = new TrainingApi(server.url());
                long execution = api.start("train", Map.of("epochs", "1", "externalTrialId", "blank-password")).executionId();
                assertThat(api.awaitExitStatus(execution, "COMPLETED")).as(server.logTail(40))
                        .containsEntry("batchStatus", "COMPLETED");
                server.stop();
            }
            assertThat(StandInTrials.find(master, "blank-password").state()).isEqualTo("STATE_COMPLETED");
            assertThat(master.requests()).filteredOn(r -> r.path().equals("/api/v1/auth/login")).isNotEmpty()
                    .allSatisfy(login -> assertThat(login.body()).as("%s", login)
                            .isEqualTo("{\"password\": \"\", \"username\": \"determined\", \"isHashed\": true}"))
                    .extracting(RecordedRequest::status).containsOnly(200);
            assertThat(Files.readString(log)).doesNotContain("set without DET_PASS", "must be set together");
        }
    }
}
