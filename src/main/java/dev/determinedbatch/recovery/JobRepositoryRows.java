package dev.determinedbatch.recovery;

import static dev.determinedbatch.recovery.RecoveryTables.LEASE;
import static dev.determinedbatch.recovery.RecoveryTables.OWNER;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The rows of JBeret's JDBC job repository that recovery reads and writes: tables and columns as
 * JBeret's own DDL ({@code sql/jberet.ddl}, {@code sql/jberet-postgresql.ddl} in jberet-core) has them.
 */
public final class JobRepositoryRows {

    /** The statuses of an execution that has not ended: JBeret's restart refuses them from a live JVM. */
    static final String RUNNING = "('STARTING', 'STARTED', 'STOPPING')";
    static final Set<String> RUNNING_STATUSES = Set.of("STARTING", "STARTED", "STOPPING");

    private final DataSource dataSource;

    public JobRepositoryRows(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** False before JBeret created its tables: then nothing can be left running. */
    public boolean exists() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return RecoveryTables.exists(connection, "JOB_EXECUTION");
        }
    }

    public List<RunningExecution> running() throws SQLException {
        List<RunningExecution> running = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT je.JOBEXECUTIONID, je.JOBINSTANCEID,"
                     + " ji.JOBNAME, je.BATCHSTATUS, je.CREATETIME, o.SERVER_ID"
                     + " FROM JOB_EXECUTION je JOIN JOB_INSTANCE ji ON ji.JOBINSTANCEID = je.JOBINSTANCEID"
                     + " LEFT JOIN " + OWNER + " o ON o.JOB_EXECUTION_ID = je.JOBEXECUTIONID"
                     + " WHERE je.BATCHSTATUS IN " + RUNNING + " ORDER BY je.JOBEXECUTIONID");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                Timestamp created = rows.getTimestamp(5);
                running.add(new RunningExecution(rows.getLong(1), rows.getLong(2), rows.getString(3),
                        rows.getString(4), created == null ? null : created.toInstant(), rows.getString(6)));
            }
        }
        return running;
    }

    /**
     * Marks the execution, its running steps and their partitions FAILED, drops its owner row and
     * marks its Determined trial due to be reaped, in one transaction; only if it still runs and its owner's lease was not renewed since the
     * decision, so that two servers recovering at once, or an owner that was only slow, are safe.
     *
     * @return false when the execution was left as it is
     */
    public boolean markFailed(Recovery recovery, Instant now) throws SQLException {
        long id = recovery.execution().executionId();
        String exitStatus = FailedExitStatus.fit(recovery.exitStatus());
        Timestamp end = Timestamp.from(now);
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                boolean marked = markJob(connection, id, exitStatus, end, recovery.seenRenewal());
                if (marked) {
                    markPartitions(connection, id, exitStatus);
                    markSteps(connection, id, exitStatus, end);
                    dropOwner(connection, id);
                    ExecutionTrials.markDue(connection, id, now);
                }
                connection.commit();
                return marked;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private static boolean markJob(Connection connection, long id, String exitStatus, Timestamp end,
                                   Instant seenRenewal) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE JOB_EXECUTION"
                + " SET BATCHSTATUS = 'FAILED', EXITSTATUS = ?, ENDTIME = ?, LASTUPDATEDTIME = ?"
                + " WHERE JOBEXECUTIONID = ? AND BATCHSTATUS IN " + RUNNING
                + " AND NOT EXISTS (SELECT 1 FROM " + OWNER + " o JOIN " + LEASE + " l ON l.SERVER_ID = o.SERVER_ID"
                + " WHERE o.JOB_EXECUTION_ID = ? AND l.RENEWED_AT_MS > ?)")) {
            update.setString(1, exitStatus);
            update.setTimestamp(2, end);
            update.setTimestamp(3, end);
            update.setLong(4, id);
            update.setLong(5, id);
            update.setLong(6, seenRenewal == null ? Long.MIN_VALUE : seenRenewal.toEpochMilli());
            return update.executeUpdate() == 1;
        }
    }

    private static void markPartitions(Connection connection, long id, String exitStatus) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE PARTITION_EXECUTION"
                + " SET BATCHSTATUS = 'FAILED', EXITSTATUS = ? WHERE BATCHSTATUS IN " + RUNNING
                + " AND STEPEXECUTIONID IN (SELECT STEPEXECUTIONID FROM STEP_EXECUTION WHERE JOBEXECUTIONID = ?)")) {
            update.setString(1, exitStatus);
            update.setLong(2, id);
            update.executeUpdate();
        }
    }

    private static void markSteps(Connection connection, long id, String exitStatus, Timestamp end)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE STEP_EXECUTION"
                + " SET BATCHSTATUS = 'FAILED', EXITSTATUS = ?, ENDTIME = ?"
                + " WHERE JOBEXECUTIONID = ? AND BATCHSTATUS IN " + RUNNING)) {
            update.setString(1, exitStatus);
            update.setTimestamp(2, end);
            update.setLong(3, id);
            update.executeUpdate();
        }
    }

    private static void dropOwner(Connection connection, long id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM " + OWNER + " WHERE JOB_EXECUTION_ID = ?")) {
            delete.setLong(1, id);
            delete.executeUpdate();
        }
    }

}
