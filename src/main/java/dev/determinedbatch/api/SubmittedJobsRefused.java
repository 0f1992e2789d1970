package dev.determinedbatch.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.regex.Pattern;

/**
 * Job definitions sent over HTTP are not run: jberet-rest's {@code POST /jobs/submit} and
 * {@code POST /jobexecutions/{jobExecutionId}/resubmit} take a job XML in the body and run it,
 * which would let any API operator run a job the server's operator never shipped, with artifacts
 * and properties of their choosing. Only the job XML the server ships ({@code batch-jobs/}) runs,
 * started by name. Answered 501 with an {@link ApiError} naming what to use instead, after the
 * server's authentication and roles, before JBeret's resource is chosen.
 */
@Provider
@PreMatching
public class SubmittedJobsRefused implements ContainerRequestFilter {

    /** Paths relative to the application ({@code /api}), without a leading slash. */
    private static final Pattern SUBMIT_PATHS = Pattern.compile("jobs/submit/?|jobexecutions/[^/]+/resubmit/?");

    static final String MESSAGE = "job definitions sent over HTTP are not run by this server: POST /api/jobs/submit"
            + " and POST /api/jobexecutions/{jobExecutionId}/resubmit are not offered; only the jobs it ships run,"
            + " started by name with POST /api/jobs/{jobXmlName}/start (GET /api/jobs lists them) and restarted"
            + " with POST /api/jobexecutions/{jobExecutionId}/restart";

    @Override
    public void filter(ContainerRequestContext request) {
        if (isSubmitPath(request.getUriInfo().getPath())) {
            request.abortWith(Response.status(Response.Status.NOT_IMPLEMENTED).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(501, "NotImplemented", MESSAGE)).build());
        }
    }

    static boolean isSubmitPath(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return SUBMIT_PATHS.matcher(relative).matches();
    }
}
