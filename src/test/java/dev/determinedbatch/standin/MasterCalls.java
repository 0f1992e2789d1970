package dev.determinedbatch.standin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.json.PythonJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A bare HTTP client for tests of the stand-in: JSON in, status and JSON out. */
final class MasterCalls {

    /** A status and the parsed JSON body (null when the body was empty). */
    record Reply(int status, Object json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> body() {
            // the master answers some routes with no object: POST /task-logs with the JSON string ""
            return json instanceof Map<?, ?> ? (Map<String, Object>) json : Map.of();
        }

        Reply assertOk() {
            assertThat(status).as("status of %s", json).isBetween(200, 299);
            return this;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String url;
    private Duration timeout = Duration.ofSeconds(10);
    private String token;

    MasterCalls(String url, String token) {
        this.url = url;
        this.token = token;
    }

    /** Calls as user determined with a freshly issued token. */
    static MasterCalls as(StandInMaster master) {
        return new MasterCalls(master.url(), master.issueToken("determined"));
    }

    MasterCalls token(String newToken) {
        this.token = newToken;
        return this;
    }

    MasterCalls timeout(Duration newTimeout) {
        this.timeout = newTimeout;
        return this;
    }

    /** Sends a raw body (null: none); throws what the HTTP client throws (refused, timed out). */
    Reply sendRaw(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        return new Reply(response.statusCode(), text.isEmpty() ? null : JsonText.read(text));
    }

    Reply send(String method, String path, Object json) {
        try {
            return sendRaw(method, path, json == null ? null : PythonJson.wire(json));
        } catch (IOException e) {
            throw new AssertionError("call failed: " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    Reply get(String path) {
        return send("GET", path, null);
    }

    /** Sends and asserts a 2xx answer; returns its body. */
    Map<String, Object> ok(String method, String path, Object json) {
        return send(method, path, json).assertOk().body();
    }

    /** Logs in with the client's hashing and keeps the token. */
    Reply login(String username, String password) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("password", Users.clientHash(password));
        body.put("username", username);
        body.put("isHashed", true);
        Reply reply = send("POST", "/api/v1/auth/login", body);
        if (reply.status() == 200) {
            token = (String) reply.body().get("token");
        }
        return reply;
    }

    // --- the client's calls, as the Python client makes them

    static final String CONFIG = "checkpoint_storage: {container_path: /data/checkpoints, type: directory}\n"
            + "name: my-exp\nsearcher: {metric: unmanaged, name: single}\n";

    long putExperiment(String externalId) {
        return id(ok("PUT", "/api/v1/experiments/by-external-id/" + externalId,
                map("config", CONFIG, "unmanaged", true)), "experiment");
    }

    Map<String, Object> putTrial(long experimentId, String externalTrialId) {
        Map<String, Object> create = map("experimentId", experimentId, "hparams", null, "unmanaged", true);
        return sub(ok("PUT", "/api/v1/trials",
                map("createTrialRequest", create, "externalTrialId", externalTrialId)), "trial");
    }

    /** A new trial of a new experiment with external ids; returns the trial. */
    Map<String, Object> newTrial(String externalExperimentId) {
        return putTrial(putExperiment(externalExperimentId), "my-trial");
    }

    Map<String, Object> start(long trialId) {
        return ok("POST", "/api/v1/trials/" + trialId + "/start", map("trialId", trialId, "resume", true));
    }

    Reply reportMetrics(long trialId, long runId, String group, long steps, Map<String, Object> avg) {
        Map<String, Object> metrics = map("avgMetrics", avg, "batchMetrics", null);
        Map<String, Object> trialMetrics = map("metrics", metrics, "trialId", trialId,
                "trialRunId", runId, "reportTime", null, "stepsCompleted", steps);
        return send("POST", "/api/v1/trials/" + trialId + "/metrics",
                map("group", group, "metrics", trialMetrics));
    }

    Reply reportCheckpoint(String uuid, String taskId, long steps) {
        return send("POST", "/api/v1/checkpoints", checkpoint(uuid, taskId, steps));
    }

    static Map<String, Object> checkpoint(String uuid, String taskId, long steps) {
        return map("metadata", map("steps_completed", steps), "resources",
                map("metadata.json", "28", "state", "4"), "state", "STATE_COMPLETED",
                "training", map(), "uuid", uuid, "allocationId", null,
                "reportTime", "2026-11-29T13:38:34.901535+00:00", "storageId", 1, "taskId", taskId);
    }

    // --- JSON helpers

    /** An ordered map from key, value pairs (values may be null). */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> sub(Map<String, Object> body, String key) {
        return (Map<String, Object>) body.get(key);
    }

    static long id(Map<String, Object> body, String key) {
        return ((Number) sub(body, key).get("id")).longValue();
    }
}
