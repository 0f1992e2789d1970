package dev.determinedbatch.api;

import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.recovery.CrashRecoveryService;
import dev.determinedbatch.recovery.LeaseKeeper;
import dev.determinedbatch.recovery.RestartClaim;
import dev.determinedbatch.recovery.RestartRefusedException;
import jakarta.batch.operations.BatchRuntimeException;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.JobInstance;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.List;
import java.util.logging.Logger;

/**
 * Claims the job instance in the job repository's database before JBeret restarts an execution:
 * JBeret would restart an execution that another server still runs (it knows only its own JVM's),
 * and two servers asked at once would both restart it. A restart of an execution that a live
 * server still runs, or of one another live server is restarting now, is answered 409 with an
 * {@link ApiError} naming that server; of two restarts sent to two servers at once exactly one
 * gets past the claim. When JBeret then refuses the restart the claim is given back; when it
 * restarts, the restart's execution takes the claim over as its owner. Bound, after the job
 * parameters' check, to the restart of an execution and of a job's latest execution by
 * {@link JobParametersFeature}.
 */
final class RestartGuard implements ContainerRequestFilter, ContainerResponseFilter {

    private static final Logger LOG = Logger.getLogger(RestartGuard.class.getName());
    private static final String CLAIM = RestartGuard.class.getName() + ".claim";

    private final JobParametersFilter.Target target;

    RestartGuard(JobParametersFilter.Target target) {
        this.target = target;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Long executionId = restarted(request);
        if (executionId == null) {
            return; // nothing to restart: JBeret's resource answers that
        }
        try {
            RestartClaim claim = keeper().claimRestart(executionId);
            request.setProperty(CLAIM, claim);
        } catch (RestartRefusedException e) {
            LogCode.RESTART_REFUSED.log(LOG, executionId, e.getMessage());
            request.abortWith(Response.status(409).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(409, "Conflict", e.getMessage())).build());
        } catch (SQLException e) {
            request.abortWith(Response.status(503).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(503, "ServiceUnavailable", "cannot claim job execution " + executionId
                            + " for its restart in the job repository's database: " + e.getMessage())).build());
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(CLAIM) instanceof RestartClaim claim) {
            request.removeProperty(CLAIM);
            boolean restarted = response.getStatus() < 300;
            try {
                keeper().restartEnded(claim, restarted);
            } catch (SQLException | RuntimeException e) {
                LogCode.RESTART_CLAIM_KEPT.logThrown(LOG, e, claim.instanceId(), String.valueOf(e));
            }
        }
    }

    private static LeaseKeeper keeper() {
        return CDI.current().select(CrashRecoveryService.class).get().keeper();
    }

    /** The execution the request restarts, or null when there is none (JBeret answers 404). */
    private Long restarted(ContainerRequestContext request) {
        var path = request.getUriInfo().getPathParameters(true);
        try {
            if (target == JobParametersFilter.Target.RESTART_EXECUTION) {
                return Long.parseLong(path.getFirst("jobExecutionId"));
            }
            JobOperator operator = BatchRuntime.getJobOperator();
            List<JobInstance> latest = operator.getJobInstances(path.getFirst("jobXmlName"), 0, 1);
            List<JobExecution> executions = latest.isEmpty() ? List.of() : operator.getJobExecutions(latest.get(0));
            return executions.isEmpty() ? null : executions.get(executions.size() - 1).getExecutionId();
        } catch (BatchRuntimeException | NumberFormatException e) {
            return null;
        }
    }
}
