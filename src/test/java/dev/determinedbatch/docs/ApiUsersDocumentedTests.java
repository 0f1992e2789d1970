package dev.determinedbatch.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.testsupport.ApiUser;
import dev.determinedbatch.testsupport.TestApiUsers;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's command for a job-control API user writes the line the server's realm checks,
 * {@code user=HEX(MD5(user:determined-batch:password))}, and not the password; the test servers'
 * users file holds the users {@link TestApiUsers} presents.
 */
class ApiUsersDocumentedTests {

    @Test
    void theReadmesCommandWritesTheHashTheRealmChecksAndNotThePassword(@TempDir Path dir) throws Exception {
        String command = Files.readAllLines(Path.of("README.md")).stream()
                .filter(line -> line.contains("md5sum") && line.contains("api-users.properties"))
                .findFirst().orElseThrow(() -> new AssertionError("the README shows no command that writes a user"));
        String password = "pässwörd: with %s, 'quotes' and spaces";
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", command).directory(dir.toFile()).redirectErrorStream(true);
        bash.environment().put("API_PASSWORD", password);
        bash.environment().put("LC_ALL", "C.UTF-8");
        Process process = bash.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the README's command ends").isTrue();
        assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();

        String written = Files.readString(dir.resolve("api-users.properties"));
        assertThat(written).isEqualTo("alice=" + realmHash(new ApiUser("alice", password)) + "\n")
                .doesNotContain(password);
    }

    @Test
    void theTestUsersFileHoldsTheTestUsersWithTheirRoles() throws IOException {
        Properties users = load(TestApiUsers.usersFile());
        Properties roles = load(TestApiUsers.rolesFile());
        for (ApiUser user : List.of(TestApiUsers.OPERATOR, TestApiUsers.VIEWER)) {
            assertThat(users.getProperty(user.name())).as(user.toString()).isEqualTo(realmHash(user));
        }
        assertThat(roles).containsEntry(TestApiUsers.OPERATOR.name(), "batch-operator")
                .containsEntry(TestApiUsers.VIEWER.name(), "batch-viewer").hasSize(2);
    }

    /** What WildFly's properties realm compares for realm {@code determined-batch}. */
    private static String realmHash(ApiUser user) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5")
                    .digest((user.name() + ":determined-batch:" + user.password()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }
}
