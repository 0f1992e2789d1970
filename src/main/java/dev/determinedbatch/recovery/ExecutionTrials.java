package dev.determinedbatch.recovery;

import static dev.determinedbatch.recovery.RecoveryTables.TRIAL;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Which Determined trial each job instance's latest execution reports to: recorded when the
 * execution opens its trial, removed when it has closed it. Recovery marks the record of an
 * execution it fails as due to be reaped (in the same transaction), and drops it once the trial's
 * ERROR is delivered or safely queued. Keyed by job instance: a restart that opens the trial again
 * replaces the record, so a reap still due for the crashed execution is moot and never sent.
 */
public final class ExecutionTrials {

    static final int MAX_KEY = 255;
    static final int MAX_NAME = 1000;

    private final DataSource dataSource;

    public ExecutionTrials(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records the execution's trial in place of whatever an earlier execution of the instance left. */
    public void record(ExecutionTrial trial, Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement delete = connection.prepareStatement(
                         "DELETE FROM " + TRIAL + " WHERE JOB_INSTANCE_ID = ?");
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TRIAL
                         + " (JOB_INSTANCE_ID, JOB_EXECUTION_ID, TRIAL_KEY, TRIAL_ID, TRIAL_RUN_ID, TRIAL_NAME,"
                         + " RECORDED_AT_MS, REAP_DUE_AT_MS) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)")) {
                delete.setLong(1, trial.instanceId());
                delete.executeUpdate();
                insert.setLong(1, trial.instanceId());
                insert.setLong(2, trial.executionId());
                insert.setString(3, trial.trialKey());
                insert.setLong(4, trial.trialId());
                insert.setInt(5, trial.trialRunId());
                insert.setString(6, trial.trialName());
                insert.setLong(7, now.toEpochMilli());
                insert.executeUpdate();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /** Removes the record if it is still this execution's (its trial is closed). */
    public void remove(long instanceId, long executionId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM " + TRIAL + " WHERE JOB_INSTANCE_ID = ? AND JOB_EXECUTION_ID = ?")) {
            delete.setLong(1, instanceId);
            delete.setLong(2, executionId);
            delete.executeUpdate();
        }
    }

    /**
     * The trials due to be reaped whose job instance runs no execution now: an execution that runs
     * (a restart not yet at its trial) is left to open the trial itself.
     */
    public List<ExecutionTrial> due() throws SQLException {
        List<ExecutionTrial> due = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT t.JOB_INSTANCE_ID, t.JOB_EXECUTION_ID,"
                     + " t.TRIAL_KEY, t.TRIAL_ID, t.TRIAL_RUN_ID, t.TRIAL_NAME FROM " + TRIAL + " t"
                     + " WHERE t.REAP_DUE_AT_MS IS NOT NULL AND NOT EXISTS (SELECT 1 FROM JOB_EXECUTION je"
                     + " WHERE je.JOBINSTANCEID = t.JOB_INSTANCE_ID AND je.BATCHSTATUS IN "
                     + JobRepositoryRows.RUNNING + ") ORDER BY t.JOB_EXECUTION_ID");
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                due.add(new ExecutionTrial(rows.getLong(1), rows.getLong(2), rows.getString(3), rows.getLong(4),
                        rows.getInt(5), rows.getString(6)));
            }
        }
        return due;
    }

    /** Drops a reaped trial's record, unless a restart has replaced it meanwhile. */
    public void reaped(ExecutionTrial trial) throws SQLException {
        remove(trial.instanceId(), trial.executionId());
    }

    /** Marks the execution's trial due to be reaped, in the transaction that marks the execution FAILED. */
    static void markDue(Connection connection, long executionId, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + TRIAL
                + " SET REAP_DUE_AT_MS = ? WHERE JOB_EXECUTION_ID = ?")) {
            update.setLong(1, now.toEpochMilli());
            update.setLong(2, executionId);
            update.executeUpdate();
        }
    }
}
