package dev.determinedbatch.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;
import org.jberet.rest.resource.JobExecutionResource;
import org.jberet.rest.resource.JobInstanceResource;
import org.jberet.rest.resource.JobResource;

/**
 * Job control over HTTP under {@code /api}: JBeret's own REST resources (same paths and
 * entities as jberet-rest), listed one by one because its schedule resource needs a scheduler
 * this server does not run (its paths answer 501, {@link EndpointsNotOffered}, as do job
 * definitions sent to run), plus the training status. Job parameters are checked before JBeret
 * gets them ({@link JobParametersFeature}); JBeret's entities and their dates are written so that
 * JSON-B and Jackson clients read them ({@link ApiJsonb}).
 */
@ApplicationPath("api")
public class BatchApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(JobResource.class, JobExecutionResource.class, JobInstanceResource.class,
                TrainingResource.class, BatchErrors.class, RequestErrors.class, JobParametersFeature.class,
                ApiJsonb.class, EndpointsNotOffered.class);
    }
}
