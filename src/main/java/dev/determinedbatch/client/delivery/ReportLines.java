package dev.determinedbatch.client.delivery;

import dev.determinedbatch.client.core.MetricReport;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.json.JsonFields;
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
            return parse(JsonFields.parse(text, "report line"));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("malformed report line: " + e, e);
        }
    }

    private static Numbered parse(JsonFields line) {
        if (!Long.valueOf(FORMAT).equals(line.value("format"))) {
            throw new IllegalArgumentException("not a report line of format " + FORMAT + ": format " + line.value("format"));
        }
        long seq = line.longValue("seq");
        String kind = line.string("kind");
        Report report = switch (kind) {
            case "metrics" -> new Report.Metrics(line.longValue("trialId"), line.intValue("trialRunId"),
                    new MetricReport(line.string("group"), line.longValue("stepsCompleted"), line.map("avgMetrics"),
                            batchMetrics(line)));
            case "progress" -> new Report.Progress(line.longValue("trialId"), line.doubleValue("progress"));
            case "checkpoint" -> {
                JsonFields sizes = line.object("resources");
                Map<String, Long> resources = new LinkedHashMap<>();
                sizes.asMap().keySet().forEach(path -> resources.put(path, sizes.longValue(path)));
                StoredCheckpoint checkpoint = new StoredCheckpoint(line.string("uuid"), line.map("metadata"), resources);
                yield new Report.Checkpoint(line.string("taskId"), line.optionalLong("storageId"), checkpoint,
                        Instant.parse(line.string("reportTime")));
            }
            case "finalState" -> new Report.FinalState(line.longValue("trialId"), line.intValue("trialRunId"),
                    state(line.string("state")));
            default -> throw new IllegalArgumentException("unknown report kind " + kind);
        };
        return new Numbered(seq, report);
    }

    private static List<Map<String, Object>> batchMetrics(JsonFields line) {
        if (!line.has("batchMetrics")) {
            return null;
        }
        return line.objects("batchMetrics").stream().map(JsonFields::asMap).toList();
    }

    private static TrialState state(String wireName) {
        for (TrialState state : TrialState.values()) {
            if (state.wireName().equals(wireName)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown trial state " + wireName);
    }
}
