package dev.determinedbatch.it;

import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.JobInstance;
import jakarta.batch.runtime.Metric;
import jakarta.batch.runtime.StepExecution;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;
import java.util.Date;
import java.util.Properties;
import java.util.Set;

/**
 * Test-only, in the test server's application: what the server's {@link JobOperator} says, as
 * JSON written field by field with JSON-P (not through JBeret's REST entities or the API's JSON-B),
 * so that a test can hold what a client read through the API against it. Times are epoch
 * milliseconds, absent when null. Under {@code /it-joboperator}, outside {@code /api} and its users.
 */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public class JobOperatorView {

    /** Its own JAX-RS application: the API's lists its classes one by one. */
    @ApplicationPath("it-joboperator")
    public static class App extends Application {
        @Override
        public Set<Class<?>> getClasses() {
            return Set.of(JobOperatorView.class);
        }
    }

    private final JobOperator operator = BatchRuntime.getJobOperator();

    /** Every job name, with its instance count and its running executions' ids. */
    @GET
    @Path("jobs")
    public String jobs() {
        JsonArrayBuilder jobs = Json.createArrayBuilder();
        for (String name : operator.getJobNames()) {
            JsonArrayBuilder running = Json.createArrayBuilder();
            operator.getRunningExecutions(name).forEach(running::add);
            jobs.add(Json.createObjectBuilder().add("jobName", name)
                    .add("instanceCount", operator.getJobInstanceCount(name)).add("running", running));
        }
        return jobs.build().toString();
    }

    /** The job's instances as {@code getJobInstances(jobName, start, count)} lists them, each with its executions' ids. */
    @GET
    @Path("instances")
    public String instances(@QueryParam("jobName") String jobName, @QueryParam("start") int start,
                            @QueryParam("count") int count) {
        JsonArrayBuilder instances = Json.createArrayBuilder();
        for (JobInstance instance : operator.getJobInstances(jobName, start, count)) {
            instances.add(instance(instance));
        }
        return instances.build().toString();
    }

    /** The instance of an execution. */
    @GET
    @Path("executions/{id}/instance")
    public String instanceOf(@PathParam("id") long id) {
        return instance(operator.getJobInstance(id)).build().toString();
    }

    @GET
    @Path("executions/{id}")
    public String execution(@PathParam("id") long id) {
        JobExecution execution = operator.getJobExecution(id);
        JsonObjectBuilder json = Json.createObjectBuilder().add("executionId", execution.getExecutionId())
                .add("jobName", execution.getJobName())
                .add("instanceId", operator.getJobInstance(id).getInstanceId())
                .add("batchStatus", execution.getBatchStatus().name());
        addIfPresent(json, "exitStatus", execution.getExitStatus());
        time(json, "createTime", execution.getCreateTime());
        time(json, "startTime", execution.getStartTime());
        time(json, "endTime", execution.getEndTime());
        time(json, "lastUpdatedTime", execution.getLastUpdatedTime());
        JsonObjectBuilder parameters = Json.createObjectBuilder();
        Properties properties = execution.getJobParameters();
        if (properties != null) {
            properties.stringPropertyNames().forEach(name -> parameters.add(name, properties.getProperty(name)));
        }
        return json.add("jobParameters", parameters).build().toString();
    }

    @GET
    @Path("executions/{id}/steps")
    public String steps(@PathParam("id") long id) {
        JsonArrayBuilder steps = Json.createArrayBuilder();
        for (StepExecution step : operator.getStepExecutions(id)) {
            JsonObjectBuilder json = Json.createObjectBuilder().add("stepExecutionId", step.getStepExecutionId())
                    .add("stepName", step.getStepName()).add("batchStatus", step.getBatchStatus().name());
            addIfPresent(json, "exitStatus", step.getExitStatus());
            time(json, "startTime", step.getStartTime());
            time(json, "endTime", step.getEndTime());
            JsonObjectBuilder metrics = Json.createObjectBuilder();
            for (Metric metric : step.getMetrics()) {
                metrics.add(metric.getType().name(), metric.getValue());
            }
            steps.add(json.add("metrics", metrics));
        }
        return steps.build().toString();
    }

    private JsonObjectBuilder instance(JobInstance instance) {
        JsonArrayBuilder executions = Json.createArrayBuilder();
        operator.getJobExecutions(instance).forEach(execution -> executions.add(execution.getExecutionId()));
        return Json.createObjectBuilder().add("instanceId", instance.getInstanceId())
                .add("jobName", instance.getJobName()).add("executionIds", executions);
    }

    private static void addIfPresent(JsonObjectBuilder json, String name, String value) {
        if (value != null) {
            json.add(name, value);
        }
    }

    private static void time(JsonObjectBuilder json, String name, Date date) {
        if (date != null) {
            json.add(name, date.getTime());
        }
    }
}
