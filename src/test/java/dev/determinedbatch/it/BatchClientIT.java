package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.determinedbatch.testsupport.TestApiUsers;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.Metric;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.ServerErrorException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jberet.rest.client.BatchClient;
import org.jberet.rest.entity.JobEntity;
import org.jberet.rest.entity.JobExecutionEntity;
import org.jberet.rest.entity.JobInstanceEntity;
import org.jberet.rest.entity.StepExecutionEntity;
import org.jberet.schedule.JobScheduleConfigBuilder;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.resteasy.plugins.providers.jackson.ResteasyJackson2Provider;
import org.junit.jupiter.api.Test;

/**
 * JBeret's own REST client, {@link BatchClient}, against the API as a user of jberet-rest uses it:
 * with Jackson (what JBeret's samples give it) and with JSON-B given field access to JBeret's
 * entities (the README's binding; JSON-B's defaults leave {@code JobEntity} and
 * {@code JobInstanceEntity} empty, see {@code ApiJsonbTests}). Each binding starts, lists, stops,
 * restarts and abandons, and every entity it reads (jobs, job instances, executions, running
 * executions, step executions with their metrics) is held field by field against what the
 * server's own {@code JobOperator} says at that moment ({@link JobOperatorView}), dates to the
 * millisecond. Scheduling answers 501 to BatchClient's schedule methods, after authentication.
 */
@RunAsClient
class BatchClientIT extends OnTestServer {

    private static final String JOB = "train-hooked";
    private static final Set<BatchStatus> ENDED =
            Set.of(BatchStatus.COMPLETED, BatchStatus.FAILED, BatchStatus.STOPPED, BatchStatus.ABANDONED);
    private static final int ALL = 10_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void withJackson() throws Exception {
        Client client = authenticated(ClientBuilder.newBuilder().register(new ResteasyJackson2Provider())).build();
        try {
            BatchClient batch = new BatchClient(client, base + "api");
            everyEntityReadsBackWhole(batch, "jackson");
            schedulesAre501(batch);
        } finally {
            client.close();
        }
    }

    @Test
    void withJsonb() throws Exception {
        YassonBodies yasson = new YassonBodies(YassonBodies.jberetEntityFields());
        Client client = authenticated(ClientBuilder.newBuilder().register(yasson)).build();
        try {
            BatchClient batch = new BatchClient(client, base + "api");
            everyEntityReadsBackWhole(batch, "jsonb");
            schedulesAre501(batch);
        } finally {
            client.close();
        }
        assertThat(yasson.reads()).isGreaterThan(15);
    }

    @Test
    void schedulesNeedAUserAndAViewerMayNotPostThem() throws Exception {
        TrainingApi anonymous = new TrainingApi(base, null);
        TrainingApi viewer = new TrainingApi(base, TestApiUsers.VIEWER);

        assertThat(anonymous.get("api/schedules").status()).isEqualTo(401);
        assertThat(anonymous.post("api/jobs/" + JOB + "/schedule", Map.of()).status()).isEqualTo(401);
        assertThat(viewer.post("api/schedules/1/cancel", Map.of()).status()).isEqualTo(403);
        assertThat(viewer.post("api/jobs/" + JOB + "/schedule", Map.of()).status()).isEqualTo(403);
        TrainingApi.Answer features = viewer.get("api/schedules/features");
        assertThat(features.status()).isEqualTo(501);
        assertThat(features.body()).containsEntry("error", "NotImplemented");
        assertThat((String) features.body().get("message")).contains("job schedules are not supported",
                "POST /api/jobs/{jobXmlName}/start");
    }

    private void everyEntityReadsBackWhole(BatchClient batch, String binding) throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Properties parameters = new Properties();
        parameters.putAll(TrainingJobIT.parameters("batch-client-" + binding));
        parameters.setProperty("epochs", "1");
        parameters.setProperty("holdAtStep", "5");

        // start: held at step 5 until stopped
        JobExecutionEntity started = batch.startJob(JOB, parameters);
        long id = started.getExecutionId();
        assertThat(id).isPositive();
        JsonObject startedSays = says("executions/" + id);
        assertThat(started.getBatchStatus()).isIn(BatchStatus.STARTING, BatchStatus.STARTED);
        assertThat(started.getJobName()).isEqualTo(JOB);
        assertThat(started.getJobInstanceId()).isPositive().isEqualTo(startedSays.getJsonNumber("instanceId").longValue());
        assertThat(started.getJobParameters()).isEqualTo(parameters).isEqualTo(properties(startedSays, "jobParameters"));
        assertThat(started.getCreateTime()).isEqualTo(date(startedSays, "createTime"));
        assertRecent(started.getCreateTime(), before, "createTime");
        assertThat(started.getHref()).endsWith("/api/jobexecutions/" + id);
        assertThat(new TrainingApi(base).get("api/jobexecutions/" + id).text())
                .as("an execution's steps are /stepexecutions; JBeret never fills its stepExecutions")
                .doesNotContain("stepExecutions");
        StandInTrials.await(master, parameters.getProperty("externalTrialId"), "STATE_RUNNING");
        long instanceId = started.getJobInstanceId();

        // while it runs
        JobExecutionEntity running = batch.getJobExecution(id);
        assertWhole(running, says("executions/" + id));
        assertThat(running.getBatchStatus()).isEqualTo(BatchStatus.STARTED);
        assertRecent(running.getStartTime(), before, "startTime");

        JobExecutionEntity[] runningOnes = get(batch, "jobexecutions/running?jobName=" + JOB, JobExecutionEntity[].class);
        List<Long> runningIds = longs(saysArray("jobs").stream().map(JsonValue::asJsonObject)
                .filter(job -> job.getString("jobName").equals(JOB)).findFirst().orElseThrow().getJsonArray("running"));
        assertThat(runningOnes).extracting(JobExecutionEntity::getExecutionId).containsExactlyInAnyOrderElementsOf(runningIds)
                .contains(id);
        for (JobExecutionEntity execution : runningOnes) {
            assertWhole(execution, says("executions/" + execution.getExecutionId()));
        }

        JobEntity[] jobs = get(batch, "jobs", JobEntity[].class);
        assertJobs(jobs, saysArray("jobs"));
        assertThat(Arrays.stream(jobs).filter(job -> job.getJobName().equals(JOB)).findFirst().orElseThrow())
                .satisfies(job -> assertThat(job.getNumberOfJobInstances()).isPositive())
                .satisfies(job -> assertThat(job.getNumberOfRunningJobExecutions()).isPositive());

        JobInstanceEntity[] instances = batch.getJobInstances(JOB, 0, ALL);
        assertInstances(instances, saysArray("instances?jobName=" + JOB + "&start=0&count=" + ALL));
        assertThat(instances).filteredOn(instance -> instance.getInstanceId() == instanceId).singleElement()
                .satisfies(instance -> assertThat(instance.getNumberOfJobExecutions()).isEqualTo(1))
                .satisfies(instance -> assertThat(instance.getLatestJobExecutionId()).isEqualTo(id));
        JobInstanceEntity ofExecution = get(batch, "jobinstances?jobExecutionId=" + id, JobInstanceEntity.class);
        assertInstance(ofExecution, says("executions/" + id + "/instance"));

        // stop
        batch.stopJobExecution(id);
        JobExecutionEntity stopped = awaitExitStatus(batch, id, "STOPPED steps=");
        assertWhole(stopped, says("executions/" + id));
        assertThat(stopped.getBatchStatus()).isEqualTo(BatchStatus.STOPPED);
        assertRecent(stopped.getEndTime(), before, "endTime");
        assertRecent(stopped.getLastUpdatedTime(), before, "lastUpdatedTime");

        StepExecutionEntity[] steps = batch.getStepExecutions(id);
        assertSteps(steps, saysArray("executions/" + id + "/steps"));
        assertThat(steps).singleElement().satisfies(step -> {
            assertThat(step.getStepName()).isEqualTo("training");
            assertThat(step.getBatchStatus()).isEqualTo(BatchStatus.STOPPED);
            assertRecent(step.getStartTime(), before, "step startTime");
            assertRecent(step.getEndTime(), before, "step endTime");
            assertThat(metrics(step.getMetrics())).containsOnlyKeys(Metric.MetricType.values())
                    .hasEntrySatisfying(Metric.MetricType.READ_COUNT, count -> assertThat(count).isPositive());
        });
        StepExecutionEntity step = get(batch, "jobexecutions/" + id + "/stepexecutions/" + steps[0].getStepExecutionId(),
                StepExecutionEntity.class);
        assertSteps(new StepExecutionEntity[] {step}, saysArray("executions/" + id + "/steps"));

        // restart, without the hold: the stop may have come before it
        Properties noHold = new Properties();
        noHold.setProperty("holdAtStep", "");
        JobExecutionEntity restarted = batch.restartJobExecution(id, noHold);
        long restartId = restarted.getExecutionId();
        assertThat(restartId).isGreaterThan(id);
        JsonObject restartedSays = says("executions/" + restartId);
        assertThat(restarted.getJobInstanceId()).isEqualTo(instanceId)
                .isEqualTo(restartedSays.getJsonNumber("instanceId").longValue());
        assertThat(restarted.getJobName()).isEqualTo(JOB);
        assertThat(restarted.getJobParameters()).isEqualTo(properties(restartedSays, "jobParameters"))
                .containsEntry("epochs", "1").containsEntry("holdAtStep", "");
        assertThat(restarted.getCreateTime()).isEqualTo(date(restartedSays, "createTime"))
                .isAfterOrEqualTo(stopped.getEndTime());
        JobExecutionEntity completed = awaitExitStatus(batch, restartId, "COMPLETED steps=");
        assertWhole(completed, says("executions/" + restartId));
        assertThat(completed.getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertSteps(batch.getStepExecutions(restartId), saysArray("executions/" + restartId + "/steps"));

        assertInstances(batch.getJobInstances(JOB, 0, ALL), saysArray("instances?jobName=" + JOB + "&start=0&count=" + ALL));
        assertThat(batch.getJobInstances(JOB, 0, ALL)).filteredOn(instance -> instance.getInstanceId() == instanceId)
                .singleElement()
                .satisfies(instance -> assertThat(instance.getNumberOfJobExecutions()).isEqualTo(2))
                .satisfies(instance -> assertThat(instance.getLatestJobExecutionId()).isEqualTo(restartId));
        // an instance's executions, latest first: jberet-rest names the instance by one of its executions
        // (jobExecutionId1); it ignores jobInstanceId
        JobExecutionEntity[] ofInstance = get(batch, "jobexecutions?jobExecutionId1=" + id, JobExecutionEntity[].class);
        assertThat(ofInstance).extracting(JobExecutionEntity::getExecutionId).containsExactly(restartId, id);
        for (JobExecutionEntity execution : ofInstance) {
            assertWhole(execution, says("executions/" + execution.getExecutionId()));
        }
        assertJobs(get(batch, "jobs", JobEntity[].class), saysArray("jobs"));

        // abandon a stopped execution; it cannot be restarted then
        Properties stopsItself = new Properties();
        stopsItself.putAll(TrainingJobIT.parameters("batch-client-abandon-" + binding));
        stopsItself.setProperty("epochs", "1");
        stopsItself.setProperty("stopAtStep", "2");
        long abandonId = batch.startJob(JOB, stopsItself).getExecutionId();
        awaitExitStatus(batch, abandonId, "STOPPED steps=");
        try (Response abandoned = batch.target(URI.create(batch.getRestUrl() + "/jobexecutions/" + abandonId + "/abandon"))
                .request().post(null)) {
            assertThat(abandoned.getStatus()).isEqualTo(204);
        }
        JobExecutionEntity abandoned = batch.getJobExecution(abandonId);
        assertWhole(abandoned, says("executions/" + abandonId));
        assertThat(abandoned.getBatchStatus()).isEqualTo(BatchStatus.ABANDONED);
        Throwable refused = catchThrowable(() -> batch.restartJobExecution(abandonId, new Properties()));
        assertThat(refused).isInstanceOf(WebApplicationException.class);
        assertThat(((WebApplicationException) refused).getResponse().getStatus()).isEqualTo(409);
    }

    /** BatchClient's schedule methods: 501, with a body that names what is not offered and what to use. */
    private static void schedulesAre501(BatchClient batch) {
        List<Throwable> refusals = List.of(
                catchThrowable(batch::getJobSchedules),
                catchThrowable(batch::getJobScheduleFeatures),
                catchThrowable(() -> batch.getJobSchedule("1")),
                catchThrowable(() -> batch.cancelJobSchedule("1")),
                catchThrowable(() -> batch.schedule(JobScheduleConfigBuilder.newInstance().jobName(JOB).initialDelay(1).build())),
                catchThrowable(() -> batch.schedule(JobScheduleConfigBuilder.newInstance().jobExecutionId(1).initialDelay(1).build())));
        assertThat(refusals).allSatisfy(refusal -> {
            assertThat(refusal).isInstanceOf(ServerErrorException.class);
            Response response = ((ServerErrorException) refusal).getResponse();
            assertThat(response.getStatus()).isEqualTo(501);
            String body = response.readEntity(String.class);
            assertThat(body).contains("\"status\":501", "\"error\":\"NotImplemented\"", "job schedules are not supported",
                    "POST /api/jobs/{jobXmlName}/start", "cron");
        });
        batch.deleteJobSchedule("1"); // answers no entity to BatchClient: it reads nothing back
        try (Response deleted = batch.target(URI.create(batch.getRestUrl() + "/schedules/1")).request().delete()) {
            assertThat(deleted.getStatus()).isEqualTo(501);
        }
    }

    // --- entities against the server's JobOperator

    private static void assertWhole(JobExecutionEntity read, JsonObject says) {
        String what = "execution " + read.getExecutionId();
        assertThat(read.getExecutionId()).as(what).isEqualTo(says.getJsonNumber("executionId").longValue());
        assertThat(read.getJobName()).as(what).isEqualTo(says.getString("jobName"));
        assertThat(read.getJobInstanceId()).as(what).isPositive().isEqualTo(says.getJsonNumber("instanceId").longValue());
        assertThat(read.getBatchStatus()).as(what).isEqualTo(BatchStatus.valueOf(says.getString("batchStatus")));
        assertThat(read.getExitStatus()).as(what).isEqualTo(says.getString("exitStatus", null));
        assertThat(read.getCreateTime()).as(what + " createTime").isNotNull().isEqualTo(date(says, "createTime"));
        assertThat(read.getStartTime()).as(what + " startTime").isEqualTo(date(says, "startTime"));
        assertThat(read.getEndTime()).as(what + " endTime").isEqualTo(date(says, "endTime"));
        assertThat(read.getLastUpdatedTime()).as(what + " lastUpdatedTime").isEqualTo(date(says, "lastUpdatedTime"));
        assertThat(read.getJobParameters()).as(what + " jobParameters").isNotEmpty()
                .isEqualTo(properties(says, "jobParameters"));
        assertThat(read.getHref()).as(what).endsWith("/api/jobexecutions/" + read.getExecutionId());
        if (ENDED.contains(read.getBatchStatus())) {
            assertThat(read.getStartTime()).as(what).isNotNull();
            assertThat(read.getEndTime()).as(what).isNotNull().isAfterOrEqualTo(read.getStartTime());
            assertThat(read.getExitStatus()).as(what).isNotBlank();
        }
    }

    private static void assertJobs(JobEntity[] read, JsonArray says) {
        Map<String, JsonObject> byName = byKey(says, job -> job.getString("jobName"));
        assertThat(read).extracting(JobEntity::getJobName).doesNotContainNull()
                .containsExactlyInAnyOrderElementsOf(byName.keySet());
        for (JobEntity job : read) {
            JsonObject expected = byName.get(job.getJobName());
            assertThat(job.getNumberOfJobInstances()).as(job.getJobName()).isEqualTo(expected.getInt("instanceCount"));
            assertThat(job.getNumberOfRunningJobExecutions()).as(job.getJobName())
                    .isEqualTo(expected.getJsonArray("running").size());
        }
    }

    private static void assertInstances(JobInstanceEntity[] read, JsonArray says) {
        assertThat(read).isNotEmpty().extracting(JobInstanceEntity::getInstanceId)
                .containsExactlyElementsOf(longs(says, instance -> instance.getJsonNumber("instanceId").longValue()));
        for (int i = 0; i < read.length; i++) {
            assertInstance(read[i], says.getJsonObject(i));
        }
    }

    private static void assertInstance(JobInstanceEntity read, JsonObject says) {
        List<Long> executions = longs(says.getJsonArray("executionIds"));
        String what = "instance " + read.getInstanceId();
        assertThat(read.getInstanceId()).as(what).isPositive().isEqualTo(says.getJsonNumber("instanceId").longValue());
        assertThat(read.getJobName()).as(what).isEqualTo(says.getString("jobName"));
        assertThat(read.getNumberOfJobExecutions()).as(what).isPositive().isEqualTo(executions.size());
        assertThat(read.getLatestJobExecutionId()).as(what).isEqualTo(Collections.max(executions));
    }

    private static void assertSteps(StepExecutionEntity[] read, JsonArray says) {
        Map<Long, JsonObject> byId = byKey(says, step -> step.getJsonNumber("stepExecutionId").longValue());
        assertThat(read).extracting(StepExecutionEntity::getStepExecutionId).containsExactlyInAnyOrderElementsOf(byId.keySet());
        for (StepExecutionEntity step : read) {
            JsonObject expected = byId.get(step.getStepExecutionId());
            String what = "step execution " + step.getStepExecutionId();
            assertThat(step.getStepName()).as(what).isEqualTo(expected.getString("stepName"));
            assertThat(step.getBatchStatus()).as(what).isEqualTo(BatchStatus.valueOf(expected.getString("batchStatus")));
            assertThat(step.getExitStatus()).as(what).isEqualTo(expected.getString("exitStatus", null));
            assertThat(step.getStartTime()).as(what + " startTime").isNotNull().isEqualTo(date(expected, "startTime"));
            assertThat(step.getEndTime()).as(what + " endTime").isEqualTo(date(expected, "endTime"));
            JsonObject metrics = expected.getJsonObject("metrics");
            assertThat(metrics(step.getMetrics())).as(what + " metrics").isEqualTo(metrics.keySet().stream()
                    .collect(Collectors.toMap(Metric.MetricType::valueOf, type -> metrics.getJsonNumber(type).longValue())));
        }
    }

    private static Map<Metric.MetricType, Long> metrics(Metric[] metrics) {
        assertThat(metrics).isNotNull().doesNotContainNull();
        Map<Metric.MetricType, Long> byType = new HashMap<>();
        for (Metric metric : metrics) {
            assertThat(byType.put(metric.getType(), metric.getValue())).as("metric " + metric.getType()).isNull();
        }
        return byType;
    }

    // --- what the server's JobOperator says (JobOperatorView)

    private JsonObject says(String path) throws Exception {
        return read(path).readObject();
    }

    private JsonArray saysArray(String path) throws Exception {
        return read(path).readArray();
    }

    private JsonReader read(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "it-joboperator/" + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("it-joboperator/" + path + ": " + response.body()).isEqualTo(200);
        return Json.createReader(new StringReader(response.body()));
    }

    private static Date date(JsonObject json, String name) {
        JsonNumber millis = json.getJsonNumber(name);
        return millis == null ? null : new Date(millis.longValue());
    }

    private static Properties properties(JsonObject json, String name) {
        Properties properties = new Properties();
        json.getJsonObject(name).forEach((key, value) -> properties.setProperty(key, ((JsonString) value).getString()));
        return properties;
    }

    private static List<Long> longs(JsonArray array) {
        return array.getValuesAs(JsonNumber.class).stream().map(JsonNumber::longValue).toList();
    }

    private static List<Long> longs(JsonArray objects, Function<JsonObject, Long> key) {
        List<Long> values = new ArrayList<>();
        objects.forEach(value -> values.add(key.apply(value.asJsonObject())));
        return values;
    }

    private static <K> Map<K, JsonObject> byKey(JsonArray objects, Function<JsonObject, K> key) {
        Map<K, JsonObject> byKey = new HashMap<>();
        objects.forEach(value -> assertThat(byKey.put(key.apply(value.asJsonObject()), value.asJsonObject())).isNull());
        return byKey;
    }

    // --- the client

    /** A GET that BatchClient has no method for, through its client and providers, as its users do. */
    private static <T> T get(BatchClient batch, String path, Class<T> type) {
        return batch.target(URI.create(batch.getRestUrl() + "/" + path)).request().get(type);
    }

    /**
     * Polls until the execution has ended with the exit status the training job gives it once it has
     * let go of its trial ({@code STOPPED steps=5/45}); JBeret's own {@code STOPPED} comes first, and
     * an execution compared with the server's job operator must no longer change.
     */
    private static JobExecutionEntity awaitExitStatus(BatchClient batch, long id, String prefix) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            JobExecutionEntity execution = batch.getJobExecution(id);
            if (ENDED.contains(execution.getBatchStatus()) && String.valueOf(execution.getExitStatus()).startsWith(prefix)) {
                return execution;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("execution " + id + " has not ended with an exit status starting with '"
                        + prefix + "': " + execution.getBatchStatus() + " " + execution.getExitStatus());
            }
            Thread.sleep(100);
        }
    }

    /** Between the test's start and now: the server runs on this machine's clock. */
    private static void assertRecent(Date date, Instant before, String what) {
        assertThat(date).as(what).isNotNull();
        assertThat(date.toInstant()).as(what).isBetween(before, Instant.now().plusSeconds(1));
    }

    private static ClientBuilder authenticated(ClientBuilder builder) {
        return builder.register((ClientRequestFilter) request -> request.getHeaders()
                .putSingle(HttpHeaders.AUTHORIZATION, TestApiUsers.OPERATOR.basicAuthorization()));
    }
}
