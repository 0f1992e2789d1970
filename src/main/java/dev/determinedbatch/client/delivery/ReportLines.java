package dev.determinedbatch.client.delivery;

import dev.determinedbatch.client.core.MetricReport;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.json.JsonParser;
import dev.determinedbatch.json.PythonJson;
import dev.determinedbatch.storage.StoredCheckpoint;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Report} as one JSON line of a spill file, and back. Plain JSON, readable with any
 * tool and by a later version of this client; never Java serialization. Values read back equal
 * the ones written (integers stay integers, NaN stays NaN), so a spilled report goes out with
 * the bytes it would have had.
 */
public final class ReportLines {

    /** Raised when the format changes incompatibly; a reader refuses other versions. */
    static final int FORMAT = 1;

    /** A report read back, with its place in the order of the session that made it. */
    public record Numbered(long seq, Report report) {
    }

    private ReportLines() {
    }

    public static String write(long seq, Report report) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("format", FORMAT);
        line.put("seq", seq);
        if (report instanceof Report.Metrics m) {
            line.put("kind", "metrics");
            line.put("trialId", m.trialId());
            line.put("trialRunId", m.trialRunId());
            line.put("group", m.metrics().group());
            line.put("stepsCompleted", m.metrics().stepsCompleted());
            line.put("avgMetrics", m.metrics().avgMetrics());
            line.put("batchMetrics", m.metrics().batchMetrics());
        } else if (report instanceof Report.Progress p) {
            line.put("kind", "progress");
            line.put("trialId", p.trialId());
            line.put("progress", p.progress());
        } else if (report instanceof Report.Checkpoint c) {
            line.put("kind", "checkpoint");
            line.put("taskId", c.taskId());
            line.put("storageId", c.storageId());
            line.put("reportTime", c.reportTime().toString());
            line.put("uuid", c.checkpoint().uuid());
            line.put("metadata", c.checkpoint().metadata());
            line.put("resources", c.checkpoint().resources());
        } else if (report instanceof Report.FinalState f) {
            line.put("kind", "finalState");
            line.put("trialId", f.trialId());
            line.put("trialRunId", f.trialRunId());
            line.put("state", f.state().wireName());
        } else {
            throw new IllegalArgumentException("unknown report " + report);
        }
        return PythonJson.line(line);
    }

    /** @throws IllegalArgumentException for a line that is not a report of this format */
    public static Numbered read(String text) {
        try {
            return parse(text);
        } catch (ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("malformed report line: " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Numbered parse(String text) {
        Map<String, Object> line = JsonParser.parseObject(text);
        if (!(line.get("format") instanceof Long format) || format != FORMAT) {
            throw new IllegalArgumentException("not a report line of format " + FORMAT + ": format " + line.get("format"));
        }
        long seq = number(line, "seq");
        Object kind = line.get("kind");
        Report report;
        if ("metrics".equals(kind)) {
            Object batch = line.get("batchMetrics");
            report = new Report.Metrics(number(line, "trialId"), (int) number(line, "trialRunId"),
                    new MetricReport((String) line.get("group"), number(line, "stepsCompleted"),
                            (Map<String, Object>) line.get("avgMetrics"), (List<Map<String, Object>>) batch));
        } else if ("progress".equals(kind)) {
            report = new Report.Progress(number(line, "trialId"), ((Number) line.get("progress")).doubleValue());
        } else if ("checkpoint".equals(kind)) {
            Map<String, Long> resources = new LinkedHashMap<>();
            ((Map<String, Object>) line.get("resources")).forEach((path, size) -> resources.put(path, ((Number) size).longValue()));
            StoredCheckpoint checkpoint = new StoredCheckpoint((String) line.get("uuid"),
                    (Map<String, Object>) line.get("metadata"), resources);
            Object storageId = line.get("storageId");
            report = new Report.Checkpoint((String) line.get("taskId"), storageId == null ? null : number(line, "storageId"),
                    checkpoint, Instant.parse((String) line.get("reportTime")));
        } else if ("finalState".equals(kind)) {
            report = new Report.FinalState(number(line, "trialId"), (int) number(line, "trialRunId"),
                    state((String) line.get("state")));
        } else {
            throw new IllegalArgumentException("unknown report kind " + kind);
        }
        return new Numbered(seq, report);
    }

    private static TrialState state(String wireName) {
        for (TrialState state : TrialState.values()) {
            if (state.wireName().equals(wireName)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown trial state " + wireName);
    }

    private static long number(Map<String, Object> line, String field) {
        if (line.get(field) instanceof Long n) {
            return n;
        }
        throw new IllegalArgumentException("field '" + field + "' is not an integer: " + line.get(field));
    }
}
