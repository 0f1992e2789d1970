package dev.determinedbatch.recovery;

import dev.determinedbatch.log.LogCode;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * One pass of recovery: reads the leases and the running executions, marks FAILED those the
 * policy gives up, logs one WARNING per execution, and drops leases that have nothing left to tell.
 */
public final class CrashRecovery {

    private static final Logger LOG = Logger.getLogger(CrashRecovery.class.getName());

    private final RecoveryPolicy policy;
    private final LeaseStore leases;
    private final JobRepositoryRows repository;
    private volatile boolean repositoryExists;

    public CrashRecovery(RecoveryPolicy policy, LeaseStore leases, JobRepositoryRows repository) {
        this.policy = policy;
        this.leases = leases;
        this.repository = repository;
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
        leases.removeExpired(now.minus(policy.timeout()));
        return recovered;
    }
}
