package dev.determinedbatch.api;

import dev.determinedbatch.batch.TrainingStatus;
import dev.determinedbatch.batch.TrainingStatuses;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/training/{executionId}}: the trial's training seen from any of its executions. */
@Dependent
@Path("training")
@Produces(MediaType.APPLICATION_JSON)
public class TrainingResource {

    private TrainingStatuses statuses;

    /** RESTEasy checks for a constructor it could call itself; CDI creates the resource with the other. */
    public TrainingResource() {
    }

    @Inject
    public TrainingResource(TrainingStatuses statuses) {
        this.statuses = statuses;
    }

    @GET
    @Path("{executionId}")
    public TrainingStatus status(@PathParam("executionId") long executionId) {
        return statuses.of(executionId);
    }
}
