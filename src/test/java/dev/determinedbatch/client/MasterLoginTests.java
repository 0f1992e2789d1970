package dev.determinedbatch.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.client.master.MasterConnection;
import dev.determinedbatch.client.master.MasterException;
import dev.determinedbatch.client.master.MasterSettings;
import dev.determinedbatch.standin.RecordedRequest;
import dev.determinedbatch.standin.StandInMaster;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Which user the client logs in as for each combination of {@code DET_USER}, {@code DET_PASS}
 * and {@code DET_USER_TOKEN}, read through MicroProfile Config from environment variables as a
 * process sees them, against the stand-in: the same outcome as Determined's client.
 */
class MasterLoginTests {

    @AutoClose
    final StandInMaster master = StandInMaster.start();

    @Test
    void noVariablesLogInAsTheDefaultUserWithTheEmptyPassword() {
        assertThat(logIn(env())).isEqualTo(List.of("determined:"));
    }

    @Test
    void anEmptyDetPassIsTheEmptyPasswordOfAFreshCluster() {
        // a fresh cluster's users have blank passwords; its docs log in with DET_USER=determined DET_PASS=
        master.addUser("admin", "");
        assertThat(logIn(env("DET_USER", "determined", "DET_PASS", ""))).isEqualTo(List.of("determined:"));
        master.clearRequests();
        assertThat(logIn(env("DET_USER", "admin", "DET_PASS", ""))).isEqualTo(List.of("admin:"));
    }

    @Test
    void anEmptyDetPassPropertyOrSecretFileIsTheEmptyPasswordToo() {
        master.addUser("admin", "");
        Config config = new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(
                Map.of("det.master", master.url(), "det.user", "admin", "det.pass", ""), "test", 400)).build();
        assertThat(logIn(config)).isEqualTo(List.of("admin:"));
    }

    @Test
    void aUserWithAPasswordLogsInWithItsSaltedHash() {
        master.addUser("ann", "secretPW1");
        assertThat(logIn(env("DET_USER", "ann", "DET_PASS", "secretPW1")))
                .singleElement().asString().startsWith("ann:").hasSize("ann:".length() + 128);
    }

    @Test
    void aWrongEmptyPasswordIsRefusedNamingTheUser() {
        master.addUser("ann", "secretPW1");
        assertThatThrownBy(() -> logIn(env("DET_USER", "ann", "DET_PASS", "")))
                .isInstanceOf(MasterException.class).hasMessageContaining("login of user 'ann'")
                .hasMessageNotContaining("DET_USER");
    }

    @Test
    void detUserAloneFallsBackToTheDefaultUserAsDeterminedsClientDoesAndSaysSo() {
        // Determined's default_load_user_password: DET_USER counts only with DET_PASS; a process
        // that cannot prompt then logs in as 'determined' with the empty password
        try (CapturedLog log = CapturedLog.of(MasterConnection.class)) {
            assertThat(logIn(env("DET_USER", "ann"))).isEqualTo(List.of("determined:"));
            assertThat(log.warnings()).singleElement().asString()
                    .contains("DET_USER (det.user) 'ann' is set without DET_PASS", "default user 'determined'");
        }
    }

    @Test
    void detUserAloneAgainstAClusterWhoseDefaultUserHasAPasswordNamesWhatToSet() {
        master.addUser("determined", "changed-by-the-admin");
        assertThatThrownBy(() -> logIn(env("DET_USER", "ann")))
                .isInstanceOf(MasterException.class)
                .hasMessageContaining("login of user 'determined'")
                .hasMessageContaining("'ann' is set without DET_PASS")
                .hasMessageContaining("DET_PASS= for an empty password")
                .hasMessageNotContaining("changed-by-the-admin");
    }

    @Test
    void detPassOrATokenWithoutDetUserAreIgnoredAsByDeterminedsClient() {
        assertThat(logIn(env("DET_PASS", "pw"))).isEqualTo(List.of("determined:"));
        master.clearRequests();
        assertThat(logIn(env("DET_USER_TOKEN", "tok"))).isEqualTo(List.of("determined:"));
    }

    @Test
    void detUserWithATokenUsesTheTokenAndDoesNotLogIn() {
        master.addUser("ann", "secretPW1");
        String token = master.issueToken("ann");
        assertThat(logIn(env("DET_USER", "ann", "DET_USER_TOKEN", token, "DET_PASS", ""))).isEmpty();
        assertThat(master.requests()).extracting(RecordedRequest::path).contains("/api/v1/me");
    }

    /** Authenticates with the settings {@code config} gives; the logins the stand-in saw, as {@code user:password}. */
    private List<String> logIn(Config config) {
        MasterSettings settings = SessionOptions.fromConfig(config).master().orElseThrow();
        try (MasterConnection connection = MasterConnection.open(settings.withRetries(0, java.time.Duration.ZERO))) {
            connection.authenticate();
        }
        return master.requests().stream().filter(r -> r.path().equals("/api/v1/auth/login"))
                .map(MasterLoginTests::userAndPassword).toList();
    }

    private static String userAndPassword(RecordedRequest login) {
        // {"password": "...", "username": "...", "isHashed": true}: the stand-in records the wire bytes
        String body = login.body();
        return field(body, "username") + ":" + field(body, "password");
    }

    private static String field(String body, String name) {
        int start = body.indexOf("\"" + name + "\": \"") + name.length() + 5;
        return body.substring(start, body.indexOf('"', start));
    }

    /** Environment variables as a process has them, with DET_MASTER pointing at the stand-in. */
    private Config env(String... namesAndValues) {
        Map<String, String> variables = new HashMap<>();
        variables.put("DET_MASTER", master.url());
        for (int i = 0; i < namesAndValues.length; i += 2) {
            variables.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return new SmallRyeConfigBuilder().withSources(new EnvConfigSource(variables, 300)).build();
    }
}
