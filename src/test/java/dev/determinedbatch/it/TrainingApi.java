package dev.determinedbatch.it;

import dev.determinedbatch.json.JsonParser;
import dev.determinedbatch.json.PythonJson;
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

/** The job-control API as a test drives it: JSON over HTTP, with bounded waits for an execution's end. */
final class TrainingApi {

    /** An answer: its status and JSON body. */
    record Answer(int status, Map<String, Object> body) {
        long executionId() {
            return ((Number) body.get("executionId")).longValue();
        }
    }

    private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "STOPPED", "ABANDONED");

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    TrainingApi(URL base) {
        this.base = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
    }

    Answer post(String path, Map<String, ?> body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(PythonJson.wire(body))).build();
        return send(request);
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json").GET().build());
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        Map<String, Object> body = text == null || text.isBlank() ? Map.of() : JsonParser.parseObject(text);
        return new Answer(response.statusCode(), body);
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
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            Answer answer = get("api/jobexecutions/" + executionId);
            if (ENDED.contains(String.valueOf(answer.body().get("batchStatus")))) {
                return answer.body();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("execution " + executionId + " has not ended: " + answer);
            }
            Thread.sleep(100);
        }
    }

    Map<String, Object> training(long executionId) throws IOException, InterruptedException {
        Answer answer = get("api/training/" + executionId);
        if (answer.status() != 200) {
            throw new AssertionError("training status of " + executionId + " answered " + answer);
        }
        return answer.body();
    }
}
