package dev.determinedbatch.api;

/**
 * Job parameters of a request that JBeret must not get: 400, or 413 for a body over
 * {@link JsonJobParameters#MAX_BODY_BYTES}. The message names the parameter or the limit.
 */
final class JobParametersRefused extends RuntimeException {

    private final int status;

    JobParametersRefused(int status, String message) {
        super(message);
        this.status = status;
    }

    static JobParametersRefused badRequest(String message) {
        return new JobParametersRefused(400, message);
    }

    int status() {
        return status;
    }

    ApiError toApiError() {
        return new ApiError(status, status == 413 ? "ContentTooLarge" : "BadRequest", getMessage());
    }
}
