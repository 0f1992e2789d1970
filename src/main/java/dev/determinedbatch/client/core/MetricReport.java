package dev.determinedbatch.client.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One metrics report: {@code avgMetrics} of a group at a step, with optional per-batch metrics.
 * Values are numbers (NaN and infinities allowed), strings, booleans, null or nested lists/maps.
 */
public record MetricReport(String group, long stepsCompleted, Map<String, Object> avgMetrics,
                           List<Map<String, Object>> batchMetrics) {

    public static final String TRAINING = "training";
    public static final String VALIDATION = "validation";

    public MetricReport {
        if (group == null || group.isEmpty() || group.contains(".")) {
            throw new IllegalArgumentException("metric group must be a non-empty name without '.', got '"
                    + group + "'");
        }
        if (stepsCompleted < 0) {
            throw new IllegalArgumentException("stepsCompleted must not be negative, got " + stepsCompleted);
        }
        avgMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(avgMetrics));
        batchMetrics = batchMetrics == null ? null : List.copyOf(batchMetrics);
    }
}
