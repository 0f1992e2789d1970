package dev.determinedbatch.bench;

import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.json.PythonJson;
import dev.determinedbatch.testsupport.TestApiUsers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** The job-control API of a bootable jar, as the operator test user. */
final class JobApi {

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    JobApi(URI base) {
        this.base = base;
    }

    /** Starts {@code job}; returns its execution id. */
    long start(String job, Map<String, String> parameters) throws IOException, InterruptedException {
        return executionId(post("api/jobs/" + job + "/start", PythonJson.wire(parameters), 201));
    }

    /** Restarts an execution; returns the new execution's id. */
    long restart(long executionId) throws IOException, InterruptedException {
        return executionId(post("api/jobexecutions/" + executionId + "/restart", "{}", 200));
    }

    void stop(long executionId) throws IOException, InterruptedException {
        post("api/jobexecutions/" + executionId + "/stop", "", -1);
    }

    Map<String, Object> execution(long executionId) throws IOException, InterruptedException {
        return get("api/jobexecutions/" + executionId);
    }

    /** {@code GET /api/training/{id}}: steps, latest checkpoint, ... */
    Map<String, Object> training(long executionId) throws IOException, InterruptedException {
        return get("api/training/" + executionId);
    }

    private Map<String, Object> get(String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return JsonText.readJsonObject(answer.body());
    }

    private String post(String path, String body, int expected) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (expected > 0 ? answer.statusCode() != expected : answer.statusCode() >= 300) {
            throw new IllegalStateException("POST " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", TestApiUsers.OPERATOR.basicAuthorization()).header("Accept", "application/json");
    }

    private static long executionId(String body) {
        return ((Number) JsonText.readJsonObject(body).get("executionId")).longValue();
    }

    /** JBeret's times as JSON: epoch millis, or ISO text such as {@code 2026-11-29T15:26:27.844Z[UTC]}. */
    static Instant instant(Object value) {
        if (value instanceof Number millis) {
            return Instant.ofEpochMilli(millis.longValue());
        }
        if (value instanceof String text) {
            return ZonedDateTime.parse(text, DateTimeFormatter.ISO_ZONED_DATE_TIME).toInstant();
        }
        return null;
    }
}
