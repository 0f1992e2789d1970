package dev.determinedbatch.recovery;

import static dev.determinedbatch.recovery.RecoveryTables.LEASE;
import static dev.determinedbatch.recovery.RecoveryTables.OWNER;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * Which server runs which job instance's execution. The job instance is the key, so the database
 * itself keeps two servers from running the same instance: JBeret lets a server restart an
 * execution it does not hold in memory even while another server still runs it.
 */
public final class ExecutionOwners {

    /** SQLSTATE of a unique or primary key violation, in H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";
    private static final int ATTEMPTS = 3;

    /** The current owner of an instance, with its lease if it still has one. */
    record Holder(long executionId, String serverId, ServerLease lease) {
    }

    private final DataSource dataSource;

    public ExecutionOwners(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Records {@code serverId} as the owner of the execution; takes the instance over from an
     * owner that is lost (or is this server: a row its ended execution did not release).
     *
     * @param alive whether a lease is alive
     * @throws IllegalStateException naming the live server that runs another execution of the instance
     */
    public void claim(long instanceId, long executionId, String serverId, Instant now, Predicate<ServerLease> alive)
            throws SQLException {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (insert(instanceId, executionId, serverId, now)) {
                return;
            }
            Holder holder = holder(instanceId);
            if (holder == null) {
                continue;
            }
            if (holder.executionId() == executionId && holder.serverId().equals(serverId)) {
                return;
            }
            if (!holder.serverId().equals(serverId) && holder.lease() != null && alive.test(holder.lease())) {
                throw new IllegalStateException("job instance " + instanceId + " is being run by execution "
                        + holder.executionId() + " on server " + holder.lease().describe()
                        + ", which is alive; stop that execution there, or wait until it ends");
            }
            if (takeOver(instanceId, holder, executionId, serverId, now)) {
                return;
            }
        }
        throw new IllegalStateException("job instance " + instanceId + ": could not record execution " + executionId
                + " as its owner in " + ATTEMPTS + " attempts; other servers claim it at the same time");
    }

    /**
     * Claims the job instance of execution {@code executionId} for a restart by {@code serverId},
     * before JBeret creates the restart's execution (whose owner listener then takes the row over
     * from this server). One statement decides between servers: of two servers restarting the same
     * execution at once, one inserts the row and the other finds it held by a live server.
     *
     * @param alive whether a lease is alive
     * @return the job instance claimed, or -1 when the job repository holds no such execution
     * @throws RestartRefusedException when the execution still runs (naming its server and whether
     *                                 it is alive), or a live server runs or restarts its instance
     */
    public long claimRestart(long executionId, String serverId, Instant now, Predicate<ServerLease> alive)
            throws SQLException {
        Execution restarted = execution(executionId);
        if (restarted == null) {
            return -1;
        }
        long instanceId = restarted.instanceId();
        if (restarted.running()) {
            throw stillRunning(restarted, holder(instanceId), serverId, alive);
        }
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (insert(instanceId, executionId, serverId, now)) {
                return instanceId;
            }
            Holder holder = holder(instanceId);
            if (holder == null) {
                continue;
            }
            boolean self = holder.serverId().equals(serverId);
            if (!self && holder.lease() != null && alive.test(holder.lease())) {
                throw new RestartRefusedException(holder.executionId() == executionId
                        ? "job execution " + executionId + " is being restarted by server "
                                + holder.lease().describe() + ", which is alive; follow that restart there"
                        : "job instance " + instanceId + " of job execution " + executionId + " is being run by"
                                + " execution " + holder.executionId() + " on server " + holder.lease().describe()
                                + ", which is alive; stop that execution there, or wait until it ends");
            }
            if (self && holder.executionId() != executionId) {
                Execution held = execution(holder.executionId());
                if (held != null && held.running()) {
                    throw new RestartRefusedException("job instance " + instanceId + " of job execution "
                            + executionId + " is being run by execution " + holder.executionId()
                            + " on this server " + describe(holder, serverId) + "; stop it first, or wait until it ends");
                }
            }
            if (takeOver(instanceId, holder, executionId, serverId, now)) {
                return instanceId;
            }
        }
        throw new RestartRefusedException("job instance " + instanceId + ": could not claim it to restart execution "
                + executionId + " in " + ATTEMPTS + " attempts; other servers claim it at the same time");
    }

    /**
     * The execution still runs: named with the server that holds its instance (its owner, or the
     * restart that created it, whose owner listener has not run yet) when that server is alive.
     */
    private static RestartRefusedException stillRunning(Execution restarted, Holder holder, String serverId,
                                                        Predicate<ServerLease> alive) {
        long id = restarted.executionId();
        if (holder != null && holder.serverId().equals(serverId)) {
            return new RestartRefusedException("job execution " + id + " is still " + restarted.batchStatus()
                    + " on this server " + describe(holder, serverId) + "; stop it first (POST /api/jobexecutions/"
                    + id + "/stop), or restart it once it has ended");
        }
        if (holder != null && holder.lease() != null && alive.test(holder.lease())) {
            return new RestartRefusedException("job execution " + id + " is still " + restarted.batchStatus()
                    + " on server " + holder.lease().describe() + ", which is alive; stop it there (POST"
                    + " /api/jobexecutions/" + id + "/stop on that server), or restart it once it has ended");
        }
        String server = holder == null ? "no server recorded itself as its owner"
                : "its server " + describe(holder, serverId) + " is taken for lost";
        return new RestartRefusedException("job execution " + id + " is still " + restarted.batchStatus()
                + " in the job repository (" + server + "); crash recovery marks it FAILED once no live server"
                + " can be running it (every determined.batch.lease.period); restart it then");
    }

    private static String describe(Holder holder, String serverId) {
        return holder.lease() != null ? holder.lease().describe() : holder.serverId();
    }

    /** An execution as the job repository holds it now. */
    private record Execution(long executionId, long instanceId, String batchStatus) {
        boolean running() {
            return JobRepositoryRows.RUNNING_STATUSES.contains(batchStatus);
        }
    }

    private Execution execution(long executionId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT JOBINSTANCEID, BATCHSTATUS FROM JOB_EXECUTION WHERE JOBEXECUTIONID = ?")) {
            query.setLong(1, executionId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? new Execution(executionId, row.getLong(1), row.getString(2)) : null;
            }
        }
    }

    /** Removes the row if the execution still owns its instance. */
    public void release(long instanceId, long executionId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM " + OWNER + " WHERE JOB_INSTANCE_ID = ? AND JOB_EXECUTION_ID = ?")) {
            delete.setLong(1, instanceId);
            delete.setLong(2, executionId);
            delete.executeUpdate();
        }
    }

    private boolean insert(long instanceId, long executionId, String serverId, Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + OWNER
                     + " (JOB_INSTANCE_ID, JOB_EXECUTION_ID, SERVER_ID, CLAIMED_AT_MS) VALUES (?, ?, ?, ?)")) {
            insert.setLong(1, instanceId);
            insert.setLong(2, executionId);
            insert.setString(3, serverId);
            insert.setLong(4, now.toEpochMilli());
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    Holder holder(long instanceId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT o.JOB_EXECUTION_ID, o.SERVER_ID,"
                     + " l.SERVER_ID, l.HOST_NAME, l.PID, l.PROCESS_SCOPE, l.STARTED_AT_MS, l.RENEWED_AT_MS"
                     + " FROM " + OWNER + " o LEFT JOIN " + LEASE + " l ON l.SERVER_ID = o.SERVER_ID"
                     + " WHERE o.JOB_INSTANCE_ID = ?")) {
            query.setLong(1, instanceId);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                ServerLease lease = row.getString(3) == null ? null : LeaseStore.lease(row, 3);
                return new Holder(row.getLong(1), row.getString(2), lease);
            }
        }
    }

    /** Replaces the holder's row only if it is still the holder's: a concurrent take-over wins once. */
    private boolean takeOver(long instanceId, Holder holder, long executionId, String serverId, Instant now)
            throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE " + OWNER
                     + " SET JOB_EXECUTION_ID = ?, SERVER_ID = ?, CLAIMED_AT_MS = ?"
                     + " WHERE JOB_INSTANCE_ID = ? AND JOB_EXECUTION_ID = ? AND SERVER_ID = ?")) {
            update.setLong(1, executionId);
            update.setString(2, serverId);
            update.setLong(3, now.toEpochMilli());
            update.setLong(4, instanceId);
            update.setLong(5, holder.executionId());
            update.setString(6, holder.serverId());
            return update.executeUpdate() == 1;
        }
    }
}
