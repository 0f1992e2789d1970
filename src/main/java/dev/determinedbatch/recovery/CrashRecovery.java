package dev.determinedbatch.recovery;

import dev.determinedbatch.log.LogCode;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * One pass of recovery: reads the leases and the running executions, marks FAILED those the
 * policy gives up, logs one WARNING per execution, hands the trials of the executions marked (in
 * this pass or an earlier one) to the {@link TrialReaper}, and drops leases that have nothing left
 * to tell.
 */
public final class CrashRecovery {

    private static final Logger LOG = Logger.getLogger(CrashRecovery.class.getName());

    private final RecoveryPolicy policy;
    private final LeaseStore leases;
    private final JobRepositoryRows repository;
    private final ExecutionTrials trials;
    private final TrialReaper reaper;
    private volatile boolean repositoryExists;

    public CrashRecovery(RecoveryPolicy policy, LeaseStore leases, JobRepositoryRows repository,
                         ExecutionTrials trials, TrialReaper reaper) {
        this.policy = policy;
        this.leases = leases;
        this.repository = repository;
        this.trials = trials;
        this.reaper = reaper;
    }

    /** @return the executions this pass marked FAILED */
    public List<Recovery> run(String self, Instant now) throws SQLException {
        if (!repositoryExists && !(repositoryExists = repository.exists())) {
            return List.of();
        }
        List<Recovery> recovered = new ArrayList<>();
        for (Recovery recovery : policy.decide(now, self, leases.leases(), repository.running())) {
            if (repository.markFailed(recovery, now)) {
                recovered.add(recovery);
                RunningExecution execution = recovery.execution();
                LogCode.EXECUTION_RECOVERED.log(LOG, String.valueOf(execution.executionId()), execution.jobName(),
                        String.valueOf(execution.instanceId()), execution.batchStatus(), recovery.cause(),
                        recovery.exitStatus());
            }
        }
        reapDue();
        leases.removeExpired(now.minus(policy.timeout()));
        return recovered;
    }

    /**
     * Every trial due, not only this pass's: a server that crashed between marking an execution
     * and queueing its trial's ERROR leaves the trial due for the next pass of any server.
     */
    private void reapDue() throws SQLException {
        if (reaper == TrialReaper.NONE) {
            return;
        }
        for (ExecutionTrial trial : trials.due()) {
            try {
                if (reaper.reap(trial)) {
                    trials.reaped(trial);
                }
            } catch (Exception e) {
                LogCode.TRIAL_NOT_REAPED.logThrown(LOG, e, trial.describe(), String.valueOf(e.getMessage()));
            }
        }
    }
}
