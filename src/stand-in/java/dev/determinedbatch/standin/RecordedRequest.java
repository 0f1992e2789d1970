package dev.determinedbatch.standin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request the stand-in received, with the status it answered (faulted ones included).
 *
 * @param query   the raw query string, or "" when there is none
 * @param headers header names as received; look them up with {@link #header(String)}
 */
public record RecordedRequest(String method, String path, String query,
                              Map<String, List<String>> headers, String body, int status) {

    public RecordedRequest {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = Collections.unmodifiableMap(copy);
    }

    /** The first value of a header, matched case-insensitively, or null. */
    public String header(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> e.getValue().get(0))
                .findFirst().orElse(null);
    }

    /** "POST /api/v1/trials/3/start 200", for assertion messages. */
    @Override
    public String toString() {
        return method + " " + path + (query.isEmpty() ? "" : "?" + query) + " " + status;
    }
}
