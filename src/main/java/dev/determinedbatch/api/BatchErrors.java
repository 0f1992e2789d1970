package dev.determinedbatch.api;

import jakarta.batch.operations.BatchRuntimeException;
import jakarta.batch.operations.JobExecutionAlreadyCompleteException;
import jakarta.batch.operations.JobExecutionIsRunningException;
import jakarta.batch.operations.JobExecutionNotMostRecentException;
import jakarta.batch.operations.JobExecutionNotRunningException;
import jakarta.batch.operations.JobRestartException;
import jakarta.batch.operations.JobStartException;
import jakarta.batch.operations.NoSuchJobException;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.operations.NoSuchJobInstanceException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Jakarta Batch refusals as JSON: 404 for what does not exist, 409 for a wrong state. */
@Provider
public class BatchErrors implements ExceptionMapper<BatchRuntimeException> {

    @Override
    public Response toResponse(BatchRuntimeException e) {
        int status;
        if (e instanceof NoSuchJobExecutionException || e instanceof NoSuchJobException
                || e instanceof NoSuchJobInstanceException) {
            status = 404;
        } else if (e instanceof JobExecutionAlreadyCompleteException || e instanceof JobExecutionIsRunningException
                || e instanceof JobExecutionNotMostRecentException || e instanceof JobExecutionNotRunningException
                || e instanceof JobRestartException) {
            status = 409;
        } else if (e instanceof JobStartException) {
            status = 400;
        } else {
            status = 500;
        }
        String message = e.getMessage() != null ? e.getMessage()
                : e.getCause() != null ? String.valueOf(e.getCause().getMessage()) : e.getClass().getSimpleName();
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(status, e.getClass().getSimpleName(), message)).build();
    }
}
