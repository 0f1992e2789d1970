package dev.determinedbatch.client.delivery;

import dev.determinedbatch.client.core.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Counts reports for a log line an operator can act on: how many of what, which steps, which checkpoints. */
public final class ReportTally {

    private final Map<String, long[]> metrics = new TreeMap<>();
    private final List<String> checkpoints = new ArrayList<>();
    private final List<String> finalStates = new ArrayList<>();
    private long progress;
    private long unreadable;

    void add(Report report) {
        if (report instanceof Report.Metrics m) {
            // count, lowest step, highest step
            long[] group = metrics.computeIfAbsent(m.metrics().group() + " of run " + m.trialRunId(),
                    g -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
            group[0]++;
            group[1] = Math.min(group[1], m.metrics().stepsCompleted());
            group[2] = Math.max(group[2], m.metrics().stepsCompleted());
        } else if (report instanceof Report.Checkpoint c) {
            checkpoints.add(c.checkpoint().uuid() + " (steps_completed " + c.checkpoint().stepsCompleted() + ")");
        } else if (report instanceof Report.FinalState f) {
            finalStates.add(f.describe());
        } else {
            progress++;
        }
    }

    void addUnreadable() {
        unreadable++;
    }

    /** Tallies the report lines of a spill file. */
    public static ReportTally ofLines(List<String> lines) {
        ReportTally tally = new ReportTally();
        for (String line : lines) {
            try {
                tally.add(ReportLines.read(line).report());
            } catch (IllegalArgumentException e) {
                tally.addUnreadable();
            }
        }
        return tally;
    }

    public boolean isEmpty() {
        return metrics.isEmpty() && checkpoints.isEmpty() && progress == 0 && unreadable == 0 && finalStates.isEmpty();
    }

    /**
     * e.g. {@code 12 metric reports (training of run 1: 10 at steps 10-100; validation of run 1: 2 at steps 45-90),
     * 1 progress report, 1 checkpoint report (<uuid> (steps_completed 90)), final state STATE_COMPLETED of run 1}
     */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (!metrics.isEmpty()) {
            long count = metrics.values().stream().mapToLong(g -> g[0]).sum();
            List<String> groups = new ArrayList<>();
            metrics.forEach((group, g) -> groups.add(group + ": " + g[0] + " at steps " + g[1] + "-" + g[2]));
            parts.add(count + " metric report" + (count == 1 ? "" : "s") + " (" + String.join("; ", groups) + ")");
        }
        if (progress > 0) {
            parts.add(progress + " progress report" + (progress == 1 ? "" : "s"));
        }
        if (!checkpoints.isEmpty()) {
            parts.add(checkpoints.size() + " checkpoint report" + (checkpoints.size() == 1 ? "" : "s")
                    + " (" + String.join(", ", checkpoints) + ")");
        }
        parts.addAll(finalStates);
        if (unreadable > 0) {
            parts.add(unreadable + " unreadable line" + (unreadable == 1 ? "" : "s"));
        }
        return parts.isEmpty() ? "no reports" : String.join(", ", parts);
    }
}
