package dev.determinedbatch.client.master;

import dev.determinedbatch.client.core.MetricReport;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.json.PythonJson;
import dev.determinedbatch.storage.StoredCheckpoint;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bodies the client sends, one record per request (PROTOCOL.md). {@link #json()} lays a
 * body out with the keys in the order Determined's Python client sends them, nulls kept, and
 * {@link #body()} writes it with {@link PythonJson}: the golden files hold those bytes.
 */
public sealed interface MasterRequest {

    /** Python's {@code datetime.isoformat()} of an aware UTC time, with microseconds. */
    DateTimeFormatter ISO_MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    /** The body as the values {@link PythonJson} writes. */
    Object json();

    default String body() {
        return PythonJson.wire(json());
    }

    /** {@code POST /api/v1/auth/login}; {@code password} as {@link Credentials#hashedPassword()} gives it. */
    record Login(String username, String password) implements MasterRequest {
        @Override
        public Object json() {
            return object("password", password, "username", username, "isHashed", true);
        }
    }

    /** {@code PUT /api/v1/experiments/by-external-id/{id}} and {@code POST /api/v1/experiments}. */
    record CreateExperiment(String config) implements MasterRequest {
        @Override
        public Object json() {
            return object("config", config, "unmanaged", true);
        }
    }

    /** {@code POST /api/v1/trials}; {@code hparams} may be null. */
    record CreateTrial(long experimentId, Map<String, Object> hparams) implements MasterRequest {
        @Override
        public Object json() {
            return object("experimentId", experimentId, "hparams", hparams, "unmanaged", true);
        }
    }

    /** {@code PUT /api/v1/trials}: upserts on the external trial id. */
    record PutTrial(CreateTrial createTrialRequest, String externalTrialId) implements MasterRequest {
        @Override
        public Object json() {
            return object("createTrialRequest", createTrialRequest.json(), "externalTrialId", externalTrialId);
        }
    }

    /** {@code POST /api/v1/trials/{T}/start}. */
    record StartTrial(long trialId) implements MasterRequest {
        @Override
        public Object json() {
            return object("trialId", trialId, "resume", true);
        }
    }

    /** {@code POST /api/v1/runs/start}; the run id is the trial id. */
    record StartRun(long runId, Map<String, Object> checkpointStorage) implements MasterRequest {
        @Override
        public Object json() {
            return object("runId", runId, "checkpointStorage", checkpointStorage);
        }
    }

    /** {@code PATCH /api/v1/trials/{T}}: a state, or with none a heartbeat. */
    record PatchTrial(long trialId, TrialState state) implements MasterRequest {
        @Override
        public Object json() {
            return state == null ? object("trialId", trialId) : object("trialId", trialId, "state", state.wireName());
        }
    }

    /** {@code POST /api/v1/trials/{T}/progress}. */
    record Progress(double progress) implements MasterRequest {
        @Override
        public Object json() {
            return object("progress", progress, "is_raw", true);
        }
    }

    /** {@code POST /api/v1/trials/{T}/metrics}. */
    record Metrics(long trialId, int trialRunId, MetricReport metrics) implements MasterRequest {
        @Override
        public Object json() {
            Map<String, Object> values = object("avgMetrics", metrics.avgMetrics(), "batchMetrics", metrics.batchMetrics());
            return object("group", metrics.group(), "metrics", object("metrics", values, "trialId", trialId,
                    "trialRunId", trialRunId, "reportTime", null, "stepsCompleted", metrics.stepsCompleted()));
        }
    }

    /** {@code POST /api/v1/checkpoints}: the bare checkpoint, sizes as strings (int64). */
    record ReportCheckpoint(StoredCheckpoint checkpoint, String taskId, Long storageId, Instant reportTime)
            implements MasterRequest {
        @Override
        public Object json() {
            Map<String, Object> resources = new LinkedHashMap<>();
            checkpoint.resources().forEach((path, size) -> resources.put(path, Long.toString(size)));
            return object("metadata", checkpoint.metadata(), "resources", resources, "state", "STATE_COMPLETED",
                    "training", Map.of(), "uuid", checkpoint.uuid(), "allocationId", null,
                    "reportTime", ISO_MICROS.format(reportTime), "storageId", storageId, "taskId", taskId);
        }
    }

    /** {@code DELETE /api/v1/checkpoints}. */
    record DeleteCheckpoints(List<String> checkpointUuids) implements MasterRequest {
        @Override
        public Object json() {
            return object("checkpointUuids", checkpointUuids);
        }
    }

    /** {@code POST /task-logs}: a JSON array, one entry per line. */
    record TaskLogs(String taskId, List<Line> lines) implements MasterRequest {

        /** One log line, without its line end. */
        public record Line(Instant timestamp, String text) {
        }

        @Override
        public Object json() {
            List<Object> entries = new ArrayList<>(lines.size());
            for (Line line : lines) {
                entries.add(object("task_id", taskId, "timestamp", ISO_MICROS.format(line.timestamp()),
                        "rank", "0", "log", line.text() + "\n"));
            }
            return entries;
        }
    }

    /** A JSON object with its keys in the order given, nulls kept (the Python client sends them). */
    private static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
