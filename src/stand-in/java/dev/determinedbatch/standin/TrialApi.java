package dev.determinedbatch.standin;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Trials, their runs, metrics and progress. */
final class TrialApi {

    private static final String TRIAL = "/api/v1/trials/([^/]+)";

    private final MasterState state;

    private TrialApi(MasterState state) {
        this.state = state;
    }

    static void register(Router router, MasterState state) {
        TrialApi api = new TrialApi(state);
        router.add("PUT", "/api/v1/trials", api::putTrial)
                .add("POST", "/api/v1/trials", api::createTrial)
                .add("POST", TRIAL + "/start", api::start)
                .add("POST", "/api/v1/runs/start", api::startRun)
                .add("PATCH", TRIAL, api::patch)
                .add("POST", TRIAL + "/metrics", api::metrics)
                .add("POST", TRIAL + "/progress", api::progress);
    }

    private Object putTrial(Call call) {
        Map<String, Object> body = call.body();
        Map<String, Object> create = Fields.object(body, "createTrialRequest");
        requireUnmanaged(create);
        Trial t = state.putTrial(Fields.int64(create, "experimentId"),
                Fields.string(body, "externalTrialId"), Fields.optionalObject(create, "hparams"));
        return Map.of("trial", Views.trial(t));
    }

    private Object createTrial(Call call) {
        Map<String, Object> body = call.body();
        requireUnmanaged(body);
        Trial t = state.createTrial(Fields.int64(body, "experimentId"),
                Fields.optionalObject(body, "hparams"));
        return Map.of("trial", Views.trial(t));
    }

    private static void requireUnmanaged(Map<String, Object> create) {
        if (!Boolean.TRUE.equals(create.get("unmanaged"))) {
            throw MasterError.invalidArgument("only unmanaged trials are supported");
        }
    }

    private Object start(Call call) {
        call.body(); // only checked: the path names the trial
        MasterState.TrialStart start = state.startTrial(call.longParam(1));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trialRunId", start.trialRunId());
        out.put("stepsCompleted", start.stepsCompleted());
        if (start.latestCheckpoint() != null) {
            out.put("latestCheckpoint", start.latestCheckpoint());
        }
        return out;
    }

    /** The run id here is the trial id; the answer names the storage config. */
    private Object startRun(Call call) {
        Map<String, Object> body = call.body();
        long trialId = Fields.int64(body, "runId");
        Map<String, Object> storage = Fields.optionalObject(body, "checkpointStorage");
        if (storage == null) {
            state.trial(trialId);
            return Map.of();
        }
        return Map.of("storageId", state.startRun(trialId, storage));
    }

    private Object patch(Call call) {
        Map<String, Object> body = call.body();
        Trial t = state.patchTrial(call.longParam(1), Fields.optionalString(body, "state"));
        return Map.of("trial", Views.trial(t));
    }

    private Object metrics(Call call) {
        Map<String, Object> body = call.body();
        String group = Fields.string(body, "group");
        if (group.isEmpty() || group.contains(".")) {
            throw MasterError.invalidArgument("invalid metric group '" + group
                    + "': it must be non-empty and contain no '.'");
        }
        Map<String, Object> trialMetrics = Fields.object(body, "metrics");
        Map<String, Object> metrics = Fields.object(trialMetrics, "metrics");
        state.reportMetrics(call.longParam(1), group,
                (int) Fields.int64(trialMetrics, "trialRunId"),
                Fields.int64(trialMetrics, "stepsCompleted"),
                Fields.object(metrics, "avgMetrics"),
                Fields.optionalList(metrics, "batchMetrics"),
                time(Fields.optionalString(trialMetrics, "reportTime")));
        return Map.of();
    }

    private Object progress(Call call) {
        Object progress = call.body().get("progress");
        if (!(progress instanceof Number p)) {
            throw MasterError.invalidArgument("progress must be a number, got: " + progress);
        }
        state.reportProgress(call.longParam(1), p.doubleValue());
        return Map.of();
    }

    /** An RFC 3339 time ("Z" or an offset like Python's "+00:00"), or null. */
    static Instant time(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw MasterError.invalidArgument("invalid time '" + text + "': " + e.getMessage());
        }
    }
}
