package dev.determinedbatch.recovery;

import dev.determinedbatch.testsupport.PostgresTestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A database with JBeret's job repository tables, made by the DDL that jberet-core ships for it, and
 * rows written with JBeret's own SQL ({@code sql/jberet-sql.properties}): in-process H2, or a new
 * database in the test JVM's PostgreSQL ({@link PostgresTestServer}).
 */
final class JBeretDatabase {

    /** The databases the job repository runs on, each with JBeret's DDL for it. */
    enum Kind {
        H2("sql/jberet.ddl"),
        POSTGRESQL("sql/jberet-postgresql.ddl");

        private final String ddl;

        Kind(String ddl) {
            this.ddl = ddl;
        }
    }

    private final DataSource dataSource;
    private final Properties sql = new Properties();

    JBeretDatabase(Kind kind) throws IOException, SQLException {
        this(kind, true);
    }

    /** A database of {@code kind} without any table. */
    static JBeretDatabase empty(Kind kind) throws IOException, SQLException {
        return new JBeretDatabase(kind, false);
    }

    private JBeretDatabase(Kind kind, boolean withTables) throws IOException, SQLException {
        this.dataSource = switch (kind) {
            case H2 -> {
                JdbcDataSource h2 = new JdbcDataSource();
                h2.setURL("jdbc:h2:mem:recovery-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
                yield h2;
            }
            case POSTGRESQL -> PostgresTestServer.shared().createDatabase().dataSource();
        };
        try (InputStream in = resource("sql/jberet-sql.properties")) {
            sql.load(in);
        }
        if (withTables) {
            createTables(kind.ddl);
        }
    }

    private void createTables(String ddlResource) throws IOException, SQLException {
        String ddl;
        try (InputStream in = resource(ddlResource)) {
            ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String table : ddl.split("!!")) {
                if (table.contains("CREATE TABLE")) {
                    statement.execute(table.substring(table.indexOf("CREATE TABLE")));
                }
            }
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = JBeretDatabase.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("no " + name + " on the class path: jberet-core ships it");
        }
        return in;
    }

    DataSource dataSource() {
        return dataSource;
    }

    long jobInstance(String jobName) throws SQLException {
        return insert("insert-job-instance", jobName, "determined-batch");
    }

    /** As JBeret's {@code createJobExecution}, then moved on to {@code status}. */
    long jobExecution(long instanceId, Instant created, String status) throws SQLException {
        return insert("insert-job-execution", instanceId, Timestamp.from(created), status, "epochs = 3");
    }

    void setStatus(long executionId, String status) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE JOB_EXECUTION SET BATCHSTATUS = ? WHERE JOBEXECUTIONID = ?")) {
            update.setString(1, status);
            update.setLong(2, executionId);
            update.executeUpdate();
        }
    }

    long stepExecution(long executionId, String stepName, Instant started, String status) throws SQLException {
        return insert("insert-step-execution", executionId, stepName, Timestamp.from(started), status);
    }

    private long insert(String statement, Object... values) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(sql.getProperty(statement),
                     Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 0; i < values.length; i++) {
                insert.setObject(i + 1, values[i]);
            }
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** One column of one row, e.g. {@code column("JOB_EXECUTION", "BATCHSTATUS", "JOBEXECUTIONID", 1)}. */
    Object column(String table, String column, String key, Object id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT " + column + " FROM " + table + " WHERE " + key + " = ?")) {
            query.setObject(1, id);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getObject(1) : null;
            }
        }
    }

    int count(String table) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            row.next();
            return row.getInt(1);
        }
    }
}
