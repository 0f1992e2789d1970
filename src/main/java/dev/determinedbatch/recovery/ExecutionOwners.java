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
