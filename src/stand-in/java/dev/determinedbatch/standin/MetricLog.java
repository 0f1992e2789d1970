package dev.determinedbatch.standin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The metrics rows of all trials, in arrival order, with the master's rollback and merge.
 * Not thread-safe: {@link MasterState} guards it.
 */
final class MetricLog {

    private final List<MetricReport> rows = new ArrayList<>();

    /**
     * Adds a report of the trial's current run. First the rollback: unarchived rows of earlier
     * runs past this step are archived (in the report's own partition, at this step too). Then
     * a row of the same group and step left in this run is merged with the report, or the
     * report becomes a new row. A refused merge changes nothing.
     */
    void report(long trialId, int runId, String group, long steps, Map<String, Object> avg,
                List<Object> batch, Instant reportTime) {
        MetricReport incoming = new MetricReport(trialId, runId, group, steps, avg, batch, false,
                reportTime);
        int mergeInto = -1;
        MetricReport merged = null;
        for (int i = 0; i < rows.size(); i++) {
            MetricReport row = rows.get(i);
            if (row.trialId() == trialId && !row.archived() && row.trialRunId() >= runId
                    && row.group().equals(group) && row.stepsCompleted() == steps) {
                mergeInto = i;
                merged = row.merge(incoming.avgMetrics(), incoming.batchMetrics());
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            MetricReport row = rows.get(i);
            boolean samePartition = row.partition().equals(incoming.partition());
            boolean later = samePartition ? row.stepsCompleted() >= steps
                    : row.stepsCompleted() > steps;
            if (row.trialId() == trialId && !row.archived() && row.trialRunId() < runId && later) {
                rows.set(i, row.archive());
            }
        }
        if (mergeInto >= 0) {
            rows.set(mergeInto, merged);
        } else {
            rows.add(incoming);
        }
    }

    List<MetricReport> forTrial(long trialId) {
        return rows.stream().filter(r -> r.trialId() == trialId).toList();
    }

    List<MetricReport> all() {
        return List.copyOf(rows);
    }
}
