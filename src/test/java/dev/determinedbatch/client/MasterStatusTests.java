package dev.determinedbatch.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.client.master.Credentials;
import dev.determinedbatch.client.master.MasterSettings;
import dev.determinedbatch.standin.StandInMaster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readiness check's question to the client: does the master answer a session now? */
class MasterStatusTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    @AutoClose
    private final StandInMaster master = StandInMaster.start();

    @Test
    void aMasterThatAnswersIsUp() {
        MasterStatus status = MasterStatus.probe(options(), TIMEOUT, TIMEOUT).orElseThrow();
        assertThat(status.up()).as(status.toString()).isTrue();
        assertThat(status.master()).isEqualTo(StandInSessions.settings(master).url().toString());
        assertThat(master.requests()).extracting(r -> r.method() + " " + r.path())
                .containsExactly("POST /api/v1/auth/login", "GET /api/v1/master");
    }

    @Test
    void aMasterThatRefusesConnectionsIsDownOnceWithoutRetries() {
        master.faults().refuseConnections();
        MasterStatus status = MasterStatus.probe(options(), TIMEOUT, TIMEOUT).orElseThrow();
        assertThat(status.up()).isFalse();
        assertThat(status.error()).contains("cannot reach the Determined master at " + status.master());
    }

    @Test
    void aRefusedLoginIsDown() {
        master.addUser("alice", "secret");
        SessionOptions options = SessionOptions.master(MasterSettings.of(master.url(), Credentials.password("alice", "wrong")))
                .withSpillDirectory(dir);
        MasterStatus status = MasterStatus.probe(options, TIMEOUT, TIMEOUT).orElseThrow();
        assertThat(status.up()).isFalse();
        assertThat(status.error()).contains("login of user 'alice'").doesNotContain("wrong");
    }

    @Test
    void localModeHasNoMasterToProbe() {
        assertThat(MasterStatus.probe(SessionOptions.local(dir.resolve("metrics.jsonl")), TIMEOUT, TIMEOUT)).isEmpty();
    }

    private SessionOptions options() {
        return SessionOptions.master(StandInSessions.settings(master)).withSpillDirectory(dir);
    }
}
