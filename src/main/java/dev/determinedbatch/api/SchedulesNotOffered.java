package dev.determinedbatch.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.regex.Pattern;

/**
 * jberet-rest's scheduling is not offered: every path of it answers 501 with an {@link ApiError}
 * that names what is not supported and what to use instead, for every method, rather than 404 (or
 * 405) as if the client had a wrong address. That is {@code /schedules} and all below it (JBeret's
 * {@code JobScheduleResource}, not registered: it needs a scheduler this server does not run) and
 * the two schedule methods of the resources that are served, {@code POST /jobs/{jobXmlName}/schedule}
 * and {@code POST /jobexecutions/{jobExecutionId}/schedule}, which would otherwise hand the
 * schedule to an in-memory scheduler that no restart keeps and no other endpoint shows. Pre-matching,
 * so that it answers before JBeret's resource methods are chosen; the server's authentication and
 * roles (web.xml) come first, so a caller without a user still gets 401 and a viewer's POST 403.
 */
@Provider
@PreMatching
public class SchedulesNotOffered implements ContainerRequestFilter {

    /** Paths relative to the application ({@code /api}), without a leading slash. */
    private static final Pattern SCHEDULE_PATHS =
            Pattern.compile("schedules(/.*)?|(jobs|jobexecutions)/[^/]+/schedule/?");

    static final String MESSAGE = "job schedules are not supported by this server: jberet-rest's schedule"
            + " endpoints (/api/schedules..., POST /api/jobs/{jobXmlName}/schedule,"
            + " POST /api/jobexecutions/{jobExecutionId}/schedule) are not offered, because it runs no job"
            + " scheduler; start jobs with POST /api/jobs/{jobXmlName}/start from a scheduler of your own"
            + " (a cron job or a systemd timer), or restart one with POST /api/jobexecutions/{jobExecutionId}/restart";

    @Override
    public void filter(ContainerRequestContext request) {
        if (isSchedulePath(request.getUriInfo().getPath())) {
            request.abortWith(Response.status(Response.Status.NOT_IMPLEMENTED).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(501, "NotImplemented", MESSAGE)).build());
        }
    }

    static boolean isSchedulePath(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return SCHEDULE_PATHS.matcher(relative).matches();
    }
}
