package dev.determinedbatch.api;

/**
 * Job parameters of a request that JBeret must not get: 400 with a message naming the parameter
 * or the limit (a body over {@link JsonJobParameters#MAX_BODY_BYTES} too, as every malformed body).
 */
final class JobParametersRefused extends RuntimeException {

    JobParametersRefused(String message) {
        super(message);
    }

    static JobParametersRefused badRequest(String message) {
        return new JobParametersRefused(message);
    }

    int status() {
        return 400;
    }

    ApiError toApiError() {
        return new ApiError(400, "BadRequest", getMessage());
    }
}
