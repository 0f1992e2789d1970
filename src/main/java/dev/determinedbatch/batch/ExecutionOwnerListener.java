package dev.determinedbatch.batch;

import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.recovery.CrashRecoveryService;
import dev.determinedbatch.recovery.FailedExitStatus;
import jakarta.batch.api.listener.JobListener;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.sql.SQLException;
import java.util.logging.Logger;

/**
 * Records this server as the owner of the execution while it runs, so that after a crash another
 * server (or this one, started again) can tell that it is lost and mark it restartable. First in a
 * job's listeners: nothing should run before the claim, and a refused claim (another live server
 * runs the same job instance) fails the execution before it touches anything.
 */
@Dependent
@Named("executionOwnerListener")
public class ExecutionOwnerListener implements JobListener {

    private static final Logger LOG = Logger.getLogger(ExecutionOwnerListener.class.getName());

    private final JobContext job;
    private final CrashRecoveryService recovery;

    @Inject
    public ExecutionOwnerListener(JobContext job, CrashRecoveryService recovery) {
        this.job = job;
        this.recovery = recovery;
    }

    @Override
    public void beforeJob() throws SQLException {
        try {
            recovery.keeper().claim(job.getInstanceId(), job.getExecutionId());
        } catch (SQLException | RuntimeException e) {
            job.setExitStatus(FailedExitStatus.of(e));
            LogCode.EXECUTION_NOT_CLAIMED.log(LOG, job.getJobName(), String.valueOf(job.getExecutionId()),
                    e.getMessage());
            throw e;
        }
    }

    /**
     * A failed release is only logged: the row then keeps other servers from this job instance
     * until this server's lease ends, and this server's next execution of it takes the row over.
     */
    @Override
    public void afterJob() {
        try {
            recovery.keeper().release(job.getInstanceId(), job.getExecutionId());
        } catch (SQLException | RuntimeException e) {
            LogCode.EXECUTION_OWNER_NOT_REMOVED.logThrown(LOG, e, job.getJobName(),
                    String.valueOf(job.getExecutionId()));
        }
    }
}
