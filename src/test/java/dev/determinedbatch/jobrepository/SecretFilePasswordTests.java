package dev.determinedbatch.jobrepository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.testsupport.PostgresTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.plugin.AuthenticationRequestType;
import org.postgresql.util.PSQLException;

/** The job repository's PostgreSQL password from its secret file, as the driver asks for it. */
class SecretFilePasswordTests {

    @TempDir
    Path secrets;

    private static SecretFilePassword plugin(Path file) {
        Properties connection = new Properties();
        connection.setProperty(SecretFilePassword.PASSWORD_FILE, file.toString());
        return new SecretFilePassword(connection);
    }

    @Test
    void thePasswordIsTheFileWithoutItsLineEnd() throws Exception {
        Path file = Files.writeString(secrets.resolve("determined.batch.job-repository.password"), "s3cret é\r\n");
        assertThat(plugin(file).getPassword(AuthenticationRequestType.SASL)).containsExactly("s3cret é".toCharArray());
    }

    @Test
    void aMissingFileIsNamedAndNoPasswordGuessed() {
        Path file = secrets.resolve("determined.batch.job-repository.password");
        assertThatThrownBy(() -> plugin(file).getPassword(AuthenticationRequestType.MD5_PASSWORD))
                .isInstanceOf(PSQLException.class)
                .hasMessageContaining("there is no file " + file)
                .hasMessageContaining("determined.batch.job-repository.user");
    }

    @Test
    void withoutTheConnectionPropertyTheErrorSaysWhichIsMissing() {
        assertThatThrownBy(() -> new SecretFilePassword(new Properties()).getPassword(AuthenticationRequestType.SASL))
                .isInstanceOf(PSQLException.class)
                .hasMessageContaining(SecretFilePassword.PASSWORD_FILE);
    }

    @Test
    void aFileThatIsNotTextIsRefusedWithoutShowingIt() throws Exception {
        Path file = Files.write(secrets.resolve("p"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
        assertThatThrownBy(() -> plugin(file).getPassword(AuthenticationRequestType.SASL))
                .isInstanceOf(PSQLException.class).hasMessage("the job repository's password file " + file
                        + " is not UTF-8 text");
    }

    @Test
    void postgresqlTakesThePasswordOnlyFromThePlugin() throws Exception {
        PostgresTestServer.Database database = PostgresTestServer.shared().createDatabase();
        Path file = secrets.resolve("determined.batch.job-repository.password");
        Properties connection = new Properties();
        connection.setProperty("user", database.user());
        connection.setProperty("password", "not this one");
        connection.setProperty("authenticationPluginClassName", SecretFilePassword.class.getName());
        connection.setProperty(SecretFilePassword.PASSWORD_FILE, file.toString());

        assertThatThrownBy(() -> DriverManager.getConnection(database.url(), connection).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("there is no file " + file);

        Files.writeString(file, "wrong\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DriverManager.getConnection(database.url(), connection).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed")
                .hasMessageNotContaining("wrong");

        Files.writeString(file, database.password() + "\n", StandardCharsets.UTF_8);
        try (Connection opened = DriverManager.getConnection(database.url(), connection)) {
            assertThat(opened.isValid(5)).isTrue();
        }
    }
}
