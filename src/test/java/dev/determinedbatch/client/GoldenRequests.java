package dev.determinedbatch.client;

import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.standin.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * Requests in a form where two runs of the same scenario compare equal: ids, uuids, task ids
 * and times become placeholders, numbers compare by value, the experiment config's YAML by its
 * content, and our checkpoint directory reads as the golden files' {@code /data/checkpoints}.
 */
public record GoldenRequests(List<Canonical> requests) {

    /** One request, canonical. */
    public record Canonical(String method, String path, String accept, String authorization, Object body) {
        @Override
        public String toString() {
            return method + " " + path + " " + body;
        }
    }

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern ID_SEGMENT = Pattern.compile("/\\d+(?=/|$)");
    private static final java.util.Set<String> ID_KEYS =
            java.util.Set.of("experimentId", "trialId", "runId", "trialRunId", "storageId");

    public static GoldenRequests load(String scenario) throws IOException {
        try (InputStream in = GoldenRequests.class.getResourceAsStream("/golden/" + scenario + ".jsonl")) {
            if (in == null) {
                throw new IOException("no golden file for " + scenario);
            }
            List<Canonical> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> request = JsonText.readJsonObject(line);
                @SuppressWarnings("unchecked")
                Map<String, Object> headers = (Map<String, Object>) request.get("headers");
                out.add(canonical((String) request.get("method"), (String) request.get("path"),
                        (String) headers.get("Accept"), (String) headers.get("Authorization"),
                        (String) request.get("body"), "/data/checkpoints"));
            }
            return new GoldenRequests(out);
        }
    }

    public static GoldenRequests of(List<RecordedRequest> recorded, String checkpointDir) {
        return new GoldenRequests(recorded.stream().map(r -> canonical(r.method(), r.path(), r.header("Accept"),
                r.header("Authorization"), r.body(), checkpointDir)).toList());
    }

    public GoldenRequests without(Predicate<Canonical> dropped) {
        return new GoldenRequests(requests.stream().filter(dropped.negate()).toList());
    }

    /** Removes log lines only Determined's Python client writes (its own warnings). */
    GoldenRequests withoutLogLines(Predicate<String> dropped) {
        return new GoldenRequests(requests.stream().map(r -> {
            if (!r.path().equals("/task-logs")) {
                return r;
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> lines = (List<Map<String, Object>>) r.body();
            return new Canonical(r.method(), r.path(), r.accept(), r.authorization(),
                    lines.stream().filter(l -> !dropped.test((String) l.get("log"))).toList());
        }).toList());
    }

    static boolean isMetrics(Canonical r) {
        return r.path().endsWith("/metrics");
    }

    static boolean isCheckpoint(Canonical r) {
        return r.method().equals("POST") && r.path().equals("/api/v1/checkpoints");
    }

    private static Canonical canonical(String method, String path, String accept, String authorization,
                                       String body, String checkpointDir) {
        Object json = body == null || body.isEmpty() ? null : JsonText.read(body);
        return new Canonical(method, ID_SEGMENT.matcher(path).replaceAll("/<id>"), accept,
                authorization == null ? null : authorization.replaceFirst("^Bearer .+$", "Bearer <token>"),
                canonical(null, json, checkpointDir));
    }

    private static Object canonical(String key, Object value, String checkpointDir) {
        if (key != null && ID_KEYS.contains(key) && value != null) {
            return "<id>";
        }
        if ("taskId".equals(key) || "task_id".equals(key)) {
            return "<task>";
        }
        if ("reportTime".equals(key) || "timestamp".equals(key)) {
            return value == null ? null : "<time>";
        }
        if ("config".equals(key) && value instanceof String yaml) {
            return canonical(null, new Yaml().load(yaml), checkpointDir);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, canonical((String) k, v, checkpointDir)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> canonical(null, v, checkpointDir)).toList();
        }
        if (value instanceof String s) {
            return UUID.matcher(s.replace(checkpointDir, "/data/checkpoints")).replaceAll("<uuid>");
        }
        if (value instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros();
        }
        return value;
    }
}
