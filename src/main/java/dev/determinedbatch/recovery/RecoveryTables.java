package dev.determinedbatch.recovery;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Our tables beside JBeret's, in the job repository's database: one lease per running server,
 * the owner of each job instance's running execution, and the Determined trial of each job
 * instance's latest execution (for the trial reaper). Times are epoch milliseconds (BIGINT),
 * so that servers in different time zones and both H2 and PostgreSQL read them alike.
 */
public final class RecoveryTables {

    static final String LEASE = "DETBATCH_SERVER_LEASE";
    static final String OWNER = "DETBATCH_EXECUTION_OWNER";
    static final String TRIAL = "DETBATCH_EXECUTION_TRIAL";

    private static final Map<String, String> DDL = Map.of(
        LEASE, "CREATE TABLE IF NOT EXISTS " + LEASE + " ("
            + "SERVER_ID VARCHAR(36) NOT NULL PRIMARY KEY, "
            + "HOST_NAME VARCHAR(255) NOT NULL, "
            + "PID BIGINT NOT NULL, "
            + "PROCESS_SCOPE VARCHAR(255), "
            + "STARTED_AT_MS BIGINT NOT NULL, "
            + "RENEWED_AT_MS BIGINT NOT NULL)",
        // one row per job instance: two servers cannot both own an execution of the same instance
        OWNER, "CREATE TABLE IF NOT EXISTS " + OWNER + " ("
            + "JOB_INSTANCE_ID BIGINT NOT NULL PRIMARY KEY, "
            + "JOB_EXECUTION_ID BIGINT NOT NULL, "
            + "SERVER_ID VARCHAR(36) NOT NULL, "
            + "CLAIMED_AT_MS BIGINT NOT NULL)",
        // one row per job instance: the trial its latest execution opened; REAP_DUE_AT_MS is set
        // when recovery fails that execution, until the trial's ERROR is delivered or queued
        TRIAL, "CREATE TABLE IF NOT EXISTS " + TRIAL + " ("
            + "JOB_INSTANCE_ID BIGINT NOT NULL PRIMARY KEY, "
            + "JOB_EXECUTION_ID BIGINT NOT NULL, "
            + "TRIAL_KEY VARCHAR(" + ExecutionTrials.MAX_KEY + ") NOT NULL, "
            + "TRIAL_ID BIGINT NOT NULL, "
            + "TRIAL_RUN_ID INT NOT NULL, "
            + "TRIAL_NAME VARCHAR(" + ExecutionTrials.MAX_NAME + ") NOT NULL, "
            + "RECORDED_AT_MS BIGINT NOT NULL, "
            + "REAP_DUE_AT_MS BIGINT)");

    private RecoveryTables() {
    }

    /** Creates the tables if missing; two servers starting at once may both try, so a lost race is fine. */
    public static void create(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (Map.Entry<String, String> table : DDL.entrySet()) {
                try {
                    statement.execute(table.getValue());
                } catch (SQLException e) {
                    if (!exists(connection, table.getKey())) {
                        throw e;
                    }
                }
            }
        }
    }

    /**
     * Whether a table exists in the connection's schema (not in another one of the same database),
     * as H2 (upper case) or PostgreSQL (lower case) folds unquoted names.
     */
    static boolean exists(Connection connection, String table) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String schema = connection.getSchema();
        for (String name : new String[] {table.toUpperCase(), table.toLowerCase()}) {
            try (ResultSet tables = metaData.getTables(null, schema, name, null)) {
                if (tables.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
