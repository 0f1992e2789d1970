package dev.determinedbatch.recovery;

import static dev.determinedbatch.recovery.RecoveryTables.LEASE;
import static dev.determinedbatch.recovery.RecoveryTables.OWNER;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** The lease table: plain JDBC, portable SQL, one statement per call (auto-commit). */
public final class LeaseStore {

    private final DataSource dataSource;

    public LeaseStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void register(ServerLease lease) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + LEASE
                     + " (SERVER_ID, HOST_NAME, PID, PROCESS_SCOPE, STARTED_AT_MS, RENEWED_AT_MS) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, lease.serverId());
            insert.setString(2, lease.host());
            insert.setLong(3, lease.pid());
            insert.setString(4, lease.processScope());
            insert.setLong(5, lease.startedAt().toEpochMilli());
            insert.setLong(6, lease.renewedAt().toEpochMilli());
            insert.executeUpdate();
        }
    }

    /** @return false when the lease is gone (removed by another server as expired) */
    public boolean renew(String serverId, Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE " + LEASE + " SET RENEWED_AT_MS = ? WHERE SERVER_ID = ?")) {
            update.setLong(1, now.toEpochMilli());
            update.setString(2, serverId);
            return update.executeUpdate() == 1;
        }
    }

    public void remove(String serverId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM " + LEASE + " WHERE SERVER_ID = ?")) {
            delete.setString(1, serverId);
            delete.executeUpdate();
        }
    }

    /** Removes leases not renewed since {@code cutoff} that own nothing any more: they have told all they can. */
    public int removeExpired(Instant cutoff) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM " + LEASE
                     + " WHERE RENEWED_AT_MS < ? AND NOT EXISTS (SELECT 1 FROM " + OWNER + " o"
                     + " WHERE o.SERVER_ID = " + LEASE + ".SERVER_ID)")) {
            delete.setLong(1, cutoff.toEpochMilli());
            return delete.executeUpdate();
        }
    }

    public Map<String, ServerLease> leases() throws SQLException {
        Map<String, ServerLease> leases = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT SERVER_ID, HOST_NAME, PID, PROCESS_SCOPE,"
                     + " STARTED_AT_MS, RENEWED_AT_MS FROM " + LEASE + " ORDER BY STARTED_AT_MS");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                ServerLease lease = lease(rows, 1);
                leases.put(lease.serverId(), lease);
            }
        }
        return leases;
    }

    /** The lease in the six columns from {@code first} on, in the order of the table. */
    static ServerLease lease(ResultSet row, int first) throws SQLException {
        return new ServerLease(row.getString(first), row.getString(first + 1), row.getLong(first + 2),
                row.getString(first + 3), Instant.ofEpochMilli(row.getLong(first + 4)),
                Instant.ofEpochMilli(row.getLong(first + 5)));
    }
}
