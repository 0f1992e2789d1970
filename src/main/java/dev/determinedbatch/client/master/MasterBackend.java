package dev.determinedbatch.client.master;

import dev.determinedbatch.client.core.LogLine;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.RunSupersededException;
import dev.determinedbatch.client.core.TrialBackend;
import dev.determinedbatch.client.core.TrialInfo;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.json.PythonJson;
import dev.determinedbatch.storage.StoredCheckpoint;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A trial recorded by a Determined master, with the calls and bodies of Determined's
 * {@code core_v2} (see PROTOCOL.md). Reports are retried, and stay exact: when a retry is refused
 * because the master already holds what a try with a lost answer sent (a metric key at that step
 * and run, a checkpoint uuid), the report counts as delivered. Reports carry their own ids, so
 * that a later session (or the leftover courier, which starts no run) can deliver what an earlier
 * run left.
 */
public final class MasterBackend implements TrialBackend {

    private static final Logger LOG = Logger.getLogger(MasterBackend.class.getName());
    /** Python's {@code datetime.isoformat()} of an aware UTC time, with microseconds. */
    private static final DateTimeFormatter ISO_MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private final MasterConnection master;
    private volatile TrialInfo trial;

    public MasterBackend(MasterConnection master) {
        this.master = master;
    }

    @Override
    public TrialInfo start(TrialSpec spec, Map<String, Object> storageConfig, BeforeRun beforeRun) {
        master.authenticate();
        long experimentId = experiment(spec, storageConfig);
        Map<String, Object> created = trial(spec, experimentId);
        long trialId = asLong(created.get("id"), "trial.id");
        String taskId = String.valueOf(created.get("taskId"));

        String clusterId = clusterId();
        beforeRun.trialKnown(trialKeyPrefix(clusterId) + trialId);

        Map<String, Object> start = object("trialId", trialId, "resume", true);
        Map<String, Object> started = master.call("POST /api/v1/trials/" + trialId + "/start",
                api -> api.startTrial(trialId, PythonJson.wire(start)));
        int runId = (int) asLong(started.get("trialRunId"), "trialRunId");
        String latest = (String) started.get("latestCheckpoint");
        long steps = started.get("stepsCompleted") == null ? 0 : asLong(started.get("stepsCompleted"), "stepsCompleted");

        Map<String, Object> run = object("runId", trialId, "checkpointStorage", storageConfig);
        Map<String, Object> runStarted = master.call("POST /api/v1/runs/start",
                api -> api.startRun(PythonJson.wire(run)));
        Long storageId = runStarted.get("storageId") == null ? null : asLong(runStarted.get("storageId"), "storageId");

        trial = new TrialInfo(experimentId, trialId, runId, taskId, clusterId, latest, steps, storageId, false);
        setState(TrialState.RUNNING);
        LOG.log(Level.INFO, "trial {0} (experiment {1}, task {2}) run {3} started at {4}; latest checkpoint: {5}",
                new Object[] {trialId, experimentId, taskId, runId, master.url(), latest == null ? "none" : latest});
        return trial;
    }

    private String clusterId() {
        Map<String, Object> info = master.call("GET /api/v1/master", MasterApi::masterInfo);
        return info.get("clusterId") == null ? null : String.valueOf(info.get("clusterId"));
    }

    /**
     * How the trial keys of this master begin (asks the master for its cluster id): a trial's key
     * is this followed by its id, e.g. {@code master-<cluster id>-trial-7}.
     */
    public String trialKeyPrefix() {
        return trialKeyPrefix(clusterId());
    }

    /** Trial ids are per master, and the cluster id names the master for good. */
    private static String trialKeyPrefix(String clusterId) {
        return "master-" + (clusterId == null ? "unknown" : clusterId) + "-trial-";
    }

    private long experiment(TrialSpec spec, Map<String, Object> storageConfig) {
        String body = PythonJson.wire(object("config", ExperimentConfig.yaml(spec, storageConfig), "unmanaged", true));
        Map<String, Object> answer = spec.externalExperimentId() != null
                ? master.call("PUT /api/v1/experiments/by-external-id/" + spec.externalExperimentId(),
                        api -> api.putExperiment(spec.externalExperimentId(), body))
                : master.call("POST /api/v1/experiments", api -> api.createExperiment(body));
        return asLong(field(answer, "experiment").get("id"), "experiment.id");
    }

    private Map<String, Object> trial(TrialSpec spec, long experimentId) {
        Map<String, Object> create = object("experimentId", experimentId, "hparams", spec.hparams(), "unmanaged", true);
        Map<String, Object> answer;
        if (spec.externalTrialId() != null) {
            String body = PythonJson.wire(object("createTrialRequest", create, "externalTrialId", spec.externalTrialId()));
            answer = master.call("PUT /api/v1/trials", api -> api.putTrial(body));
        } else {
            String body = PythonJson.wire(create);
            answer = master.call("POST /api/v1/trials", api -> api.createTrial(body));
        }
        return field(answer, "trial");
    }

    @Override
    public void heartbeat() {
        long id = trial().trialId();
        String body = PythonJson.wire(object("trialId", id));
        master.call("PATCH /api/v1/trials/" + id + " (heartbeat)", api -> api.patchTrial(id, body));
    }

    @Override
    public void deliver(Report report, boolean retry) {
        if (report instanceof Report.Metrics m) {
            reportMetrics(m, retry);
        } else if (report instanceof Report.Progress p) {
            String body = PythonJson.wire(object("progress", p.progress(), "is_raw", true));
            master.call("POST /api/v1/trials/" + p.trialId() + "/progress", api -> api.reportProgress(p.trialId(), body));
        } else if (report instanceof Report.Checkpoint c) {
            reportCheckpoint(c, retry);
        } else if (report instanceof Report.FinalState f) {
            patchState(f.trialId(), f.state());
        } else {
            throw new IllegalArgumentException("unknown report " + report);
        }
    }

    private void reportMetrics(Report.Metrics m, boolean retry) {
        Map<String, Object> values = object("avgMetrics", m.metrics().avgMetrics(), "batchMetrics", m.metrics().batchMetrics());
        Map<String, Object> metrics = object("metrics", values, "trialId", m.trialId(), "trialRunId", m.trialRunId(),
                "reportTime", null, "stepsCompleted", m.metrics().stepsCompleted());
        String body = PythonJson.wire(object("group", m.metrics().group(), "metrics", metrics));
        String what = "POST /api/v1/trials/" + m.trialId() + "/metrics (" + m.metrics().group() + ", step "
                + m.metrics().stepsCompleted() + ")";
        try {
            master.callOnce(what, api -> api.reportMetrics(m.trialId(), body), MasterBackend::isMergeRefusal, retry);
        } catch (MasterException e) {
            if (e.masterMessage().contains("invalid run id")) {
                throw new RunSupersededException(m.describe() + " can no longer be delivered: the trial has a newer run ("
                        + e.getMessage() + ")", e);
            }
            throw e;
        }
    }

    private void reportCheckpoint(Report.Checkpoint c, boolean retry) {
        StoredCheckpoint checkpoint = c.checkpoint();
        Map<String, Object> resources = new LinkedHashMap<>();
        checkpoint.resources().forEach((path, size) -> resources.put(path, Long.toString(size)));
        Map<String, Object> body = object("metadata", checkpoint.metadata(), "resources", resources,
                "state", "STATE_COMPLETED", "training", Map.of(), "uuid", checkpoint.uuid(), "allocationId", null,
                "reportTime", ISO_MICROS.format(c.reportTime()), "storageId", c.storageId(), "taskId", c.taskId());
        String json = PythonJson.wire(body);
        master.callOnce("POST /api/v1/checkpoints (" + checkpoint.uuid() + ")",
                api -> api.reportCheckpoint(json), refused -> masterHolds(checkpoint.uuid()), retry);
    }

    /**
     * The master refuses to merge a report whose keys it holds at that step and run: after a lost
     * answer, that means the lost try was stored.
     */
    private static boolean isMergeRefusal(MasterException refused) {
        return refused.masterMessage().contains("overwriting existing metric keys")
                || refused.masterMessage().contains("overwriting batch metrics");
    }

    private boolean masterHolds(String uuid) {
        try {
            Map<String, Object> answer = master.call("GET /api/v1/checkpoints/" + uuid, api -> api.getCheckpoint(uuid));
            Object checkpoint = answer.get("checkpoint");
            return checkpoint instanceof Map<?, ?> c && uuid.equals(c.get("uuid"))
                    && "STATE_COMPLETED".equals(c.get("state"));
        } catch (MasterException notThere) {
            return false;
        }
    }

    @Override
    public void deleteCheckpoints(List<String> uuids) {
        String body = PythonJson.wire(object("checkpointUuids", uuids));
        master.call("DELETE /api/v1/checkpoints " + uuids, api -> api.deleteCheckpoints(body));
    }

    @Override
    public void setState(TrialState state) {
        patchState(trial().trialId(), state);
    }

    /** What close sends (PROTOCOL.md, close); the same whoever sends it, and whenever. */
    private void patchState(long id, TrialState state) {
        String body = PythonJson.wire(object("trialId", id, "state", state.wireName()));
        master.call("PATCH /api/v1/trials/" + id + " (" + state.wireName() + ")", api -> api.patchTrial(id, body));
    }

    @Override
    public void shipLogs(List<LogLine> lines) {
        if (lines.isEmpty()) {
            return;
        }
        String taskId = trial().taskId();
        List<Object> entries = new ArrayList<>(lines.size());
        for (LogLine line : lines) {
            entries.add(object("task_id", taskId, "timestamp", ISO_MICROS.format(line.timestamp()),
                    "rank", "0", "log", line.text() + "\n"));
        }
        String body = PythonJson.wire(entries);
        master.call("POST /task-logs (" + lines.size() + " lines)", api -> api.shipLogs(body));
    }

    @Override
    public void close() {
        master.close();
    }

    private TrialInfo trial() {
        TrialInfo t = trial;
        if (t == null) {
            throw new IllegalStateException("the trial has not been started");
        }
        return t;
    }

    /** A JSON object with its keys in the order given, nulls kept (the Python client sends them). */
    static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> field(Map<String, Object> answer, String name) {
        Object value = answer.get(name);
        if (!(value instanceof Map)) {
            throw new MasterException("reading the master's answer", 200, "no '" + name + "' object in it");
        }
        return (Map<String, Object>) value;
    }

    /** int64 fields travel as JSON strings (proto3), int32 as numbers: take either. */
    static long asLong(Object value, String field) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new MasterException("reading the master's answer", 200, "field '" + field + "' is not an integer: " + value);
    }
}
