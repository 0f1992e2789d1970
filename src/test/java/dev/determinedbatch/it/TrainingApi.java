package dev.determinedbatch.it;

import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.json.PythonJson;
import dev.determinedbatch.testsupport.ApiUser;
import dev.determinedbatch.testsupport.TestApiUsers;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The job-control API as a test drives it: JSON over HTTP as one user (the test operator unless
 * told otherwise), with bounded waits for an execution's end.
 */
final class TrainingApi {

    /** An answer: its status, its JSON object body (empty when the body is none), and the body as sent. */
    record Answer(int status, Map<String, Object> body, String text) {
        long executionId() {
            return ((Number) body.get("executionId")).longValue();
        }
    }

    private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "STOPPED", "ABANDONED");

    private final URI base;
    private final ApiUser user;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** As the test operator, who may do everything. */
    TrainingApi(URL base) {
        this(base, TestApiUsers.OPERATOR);
    }

    /** As {@code user}; null sends no credentials. */
    TrainingApi(URL base, ApiUser user) {
        this.base = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
        this.user = user;
    }

    Answer post(String path, Map<String, ?> body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(PythonJson.wire(body))));
    }

    /** A body as given, say one that is not JSON; a null content type sends none. */
    Answer post(String path, String contentType, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).POST(body);
        return send(contentType == null ? request : request.header("Content-Type", contentType));
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        return user == null ? request : request.header("Authorization", user.basicAuthorization());
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String text = response.body() == null ? "" : response.body();
        // the server's own 401/403 pages are HTML, not JSON
        boolean object = text.stripLeading().startsWith("{");
        return new Answer(response.statusCode(), object ? JsonText.readJsonObject(text) : Map.of(), text);
    }

    Answer start(String job, Map<String, ?> parameters) throws IOException, InterruptedException {
        Answer started = post("api/jobs/" + job + "/start", parameters);
        if (started.status() != 201) {
            throw new AssertionError("start of " + job + " answered " + started);
        }
        return started;
    }

    /** Polls the execution (bounded) until it has ended; returns its entity. */
    Map<String, Object> awaitEnd(long executionId) throws IOException, InterruptedException {
        return awaitExecution(executionId, execution -> ENDED.contains(String.valueOf(execution.get("batchStatus"))),
                "has not ended");
    }

    /**
     * Polls the execution (bounded) until it has ended and its exit status says how, which the
     * training job sets once it has let go of its trial (a job that fails to start sets it before
     * JBeret ends the execution); returns its entity.
     */
    Map<String, Object> awaitExitStatus(long executionId, String prefix) throws IOException, InterruptedException {
        return awaitExecution(executionId, execution -> ENDED.contains(String.valueOf(execution.get("batchStatus")))
                        && String.valueOf(execution.get("exitStatus")).startsWith(prefix),
                "has not ended with an exit status starting with '" + prefix + "'");
    }

    private Map<String, Object> awaitExecution(long executionId, java.util.function.Predicate<Map<String, Object>> done,
                                               String otherwise) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            Answer answer = get("api/jobexecutions/" + executionId);
            if (done.test(answer.body())) {
                return answer.body();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("execution " + executionId + " " + otherwise + ": " + answer);
            }
            Thread.sleep(100);
        }
    }

    /** Restarts an execution over HTTP (no parameter overrides); returns the new execution's id. */
    long restart(long executionId, String context) throws IOException, InterruptedException {
        Answer restarted = post("api/jobexecutions/" + executionId + "/restart", Map.of());
        if (restarted.status() != 200) {
            throw new AssertionError(context + ": restart of " + executionId + " answered " + restarted);
        }
        return restarted.executionId();
    }

    /**
     * Waits for {@code executionId} to complete, runs the job uninterrupted with {@code reference}
     * parameters (same training, another trial), and asserts both end with the same weights.
     */
    void assertCompletesWithTheWeightsOfAnUninterruptedRun(long executionId, Map<String, String> reference,
                                                          String context) throws IOException, InterruptedException {
        org.assertj.core.api.Assertions.assertThat(awaitEnd(executionId)).as(context)
                .containsEntry("batchStatus", "COMPLETED");
        long uninterrupted = start("train", reference).executionId();
        org.assertj.core.api.Assertions.assertThat(awaitEnd(uninterrupted)).as(context)
                .containsEntry("batchStatus", "COMPLETED");
        org.assertj.core.api.Assertions.assertThat(training(executionId).get("modelSha256")).as(context).isNotNull()
                .isEqualTo(training(uninterrupted).get("modelSha256"));
    }

    /** Job parameters of a long run: many epochs, a checkpoint every 450 steps, a fresh trial id. */
    static Map<String, String> longRun(String experiment, String trial, int epochs, long seed) {
        Map<String, String> parameters = new java.util.LinkedHashMap<>();
        parameters.put("epochs", String.valueOf(epochs));
        parameters.put("checkpointEverySteps", "450");
        parameters.put("seed", String.valueOf(seed));
        parameters.put("externalExperimentId", experiment);
        parameters.put("externalTrialId", trial + "-" + System.nanoTime());
        return parameters;
    }

    /** Instances of {@code job}: a start that is refused creates none. */
    int jobInstances(String job) throws IOException, InterruptedException {
        Answer count = get("api/jobinstances/count?jobName=" + job);
        if (count.status() != 200) {
            throw new AssertionError("instance count of " + job + " answered " + count);
        }
        return ((Number) JsonText.read(count.text())).intValue();
    }

    /** Executions of the job instance that {@code executionId} belongs to: a restart that is refused adds none. */
    int executionsOfTheInstanceOf(long executionId) throws IOException, InterruptedException {
        Answer instance = get("api/jobinstances?jobExecutionId=" + executionId);
        if (instance.status() != 200) {
            throw new AssertionError("instance of execution " + executionId + " answered " + instance);
        }
        return ((Number) instance.body().get("numberOfJobExecutions")).intValue();
    }

    Map<String, Object> training(long executionId) throws IOException, InterruptedException {
        Answer answer = get("api/training/" + executionId);
        if (answer.status() != 200) {
            throw new AssertionError("training status of " + executionId + " answered " + answer);
        }
        return answer.body();
    }
}
