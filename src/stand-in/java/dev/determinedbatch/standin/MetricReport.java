package dev.determinedbatch.standin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One metrics row: a group's metrics at one step of one run. Rows of older runs are archived by
 * the rollback a later run's report causes; archived rows stay, in arrival order.
 *
 * @param batchMetrics null when the client sent none
 */
public record MetricReport(long trialId, int trialRunId, String group, long stepsCompleted,
                           Map<String, Object> avgMetrics, List<Object> batchMetrics,
                           boolean archived, Instant reportTime) {

    public MetricReport {
        avgMetrics = Fields.freeze(avgMetrics);
        batchMetrics = Fields.freeze(batchMetrics);
    }

    /**
     * The master's partition: training, validation, and one for every other group. Rollback
     * archives same-step rows only within the partition of the new report.
     */
    String partition() {
        return switch (group) {
            case "training", "validation" -> group;
            default -> "generic";
        };
    }

    MetricReport archive() {
        return new MetricReport(trialId, trialRunId, group, stepsCompleted, avgMetrics,
                batchMetrics, true, reportTime);
    }

    /**
     * The master's shallow union: new keys are added, a key reported twice or batch metrics
     * reported twice are refused.
     */
    MetricReport merge(Map<String, Object> moreAvg, List<Object> moreBatch) {
        if (batchMetrics != null && moreBatch != null) {
            throw MasterError.invalidArgument("overwriting batch metrics is not supported");
        }
        Map<String, Object> merged = new LinkedHashMap<>(avgMetrics);
        for (Map.Entry<String, Object> e : moreAvg.entrySet()) {
            if (merged.containsKey(e.getKey())) {
                throw MasterError.invalidArgument("overwriting existing metric keys is not"
                        + " supported, conflicting key: " + e.getKey());
            }
            merged.put(e.getKey(), e.getValue());
        }
        List<Object> batch = batchMetrics != null ? batchMetrics
                : moreBatch == null ? null : new ArrayList<>(moreBatch);
        return new MetricReport(trialId, trialRunId, group, stepsCompleted, merged, batch,
                archived, reportTime);
    }
}
