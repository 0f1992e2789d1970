package dev.determinedbatch.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * jberet-rest endpoints this server does not offer answer 501 with an {@link ApiError} that names
 * what is not supported and what to use instead, for every method, rather than 404 (or 405) as if
 * the client had a wrong address, or a resource method that should not run. Pre-matching, so that
 * it answers before JBeret's resource methods are chosen; the server's authentication and roles
 * (web.xml) come first, so a caller without a user still gets 401 and a viewer's POST 403.
 */
@Provider
@PreMatching
public class EndpointsNotOffered implements ContainerRequestFilter {

    /** What is not offered, by its paths relative to the application ({@code /api}), without a leading slash. */
    enum Endpoint {
        /**
         * {@code /schedules} and all below it (JBeret's {@code JobScheduleResource}, not registered: it
         * needs a scheduler this server does not run) and the schedule methods of the resources that are
         * served, which would hand the schedule to an in-memory scheduler that no restart keeps and no
         * other endpoint shows.
         */
        SCHEDULES("schedules(/.*)?|(jobs|jobexecutions)/[^/]+/schedule/?",
                "job schedules are not supported by this server: jberet-rest's schedule endpoints"
                        + " (/api/schedules..., POST /api/jobs/{jobXmlName}/schedule,"
                        + " POST /api/jobexecutions/{jobExecutionId}/schedule) are not offered, because it runs no"
                        + " job scheduler; start jobs with POST /api/jobs/{jobXmlName}/start from a scheduler of your"
                        + " own (a cron job or a systemd timer), or restart one with"
                        + " POST /api/jobexecutions/{jobExecutionId}/restart"),
        /**
         * {@code POST /jobs/submit} and {@code /jobexecutions/{id}/resubmit} take a job XML in the body
         * and run it, which would let any API operator run a job the server's operator never shipped,
         * with artifacts and properties of their choosing. Only the shipped jobs run, started by name.
         */
        SUBMITTED_JOBS("jobs/submit/?|jobexecutions/[^/]+/resubmit/?",
                "job definitions sent over HTTP are not run by this server: POST /api/jobs/submit and"
                        + " POST /api/jobexecutions/{jobExecutionId}/resubmit are not offered; only the jobs it ships"
                        + " run, started by name with POST /api/jobs/{jobXmlName}/start (GET /api/jobs lists them)"
                        + " and restarted with POST /api/jobexecutions/{jobExecutionId}/restart");

        private final Pattern paths;
        private final String message;

        Endpoint(String paths, String message) {
            this.paths = Pattern.compile(paths);
            this.message = message;
        }

        String message() {
            return message;
        }

        /** The endpoint not offered at {@code path} (relative to the application, with or without a leading slash). */
        static Optional<Endpoint> at(String path) {
            String relative = path.startsWith("/") ? path.substring(1) : path;
            return Arrays.stream(values()).filter(e -> e.paths.matcher(relative).matches()).findFirst();
        }
    }

    @Override
    public void filter(ContainerRequestContext request) {
        Endpoint.at(request.getUriInfo().getPath()).ifPresent(endpoint -> request.abortWith(
                Response.status(Response.Status.NOT_IMPLEMENTED).type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(new ApiError(501, "NotImplemented", endpoint.message())).build()));
    }
}
