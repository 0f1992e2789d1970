package dev.determinedbatch.standin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON the master answers with (proto3 JSON: camelCase names, int64 as strings, times as
 * RFC 3339 text).
 */
final class Views {

    private Views() {
    }

    static Map<String, Object> user(User user) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", user.id());
        out.put("username", user.username());
        out.put("admin", user.admin());
        out.put("active", user.active());
        out.put("displayName", "");
        out.put("remote", false);
        return out;
    }

    static Map<String, Object> experiment(Experiment e, int numTrials) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("archived", false);
        out.put("config", e.config());
        out.put("id", e.id());
        out.put("jobId", jobId(e.id()));
        out.put("name", e.name());
        out.put("numTrials", numTrials);
        out.put("originalConfig", e.originalConfig());
        out.put("projectId", 1);
        out.put("projectOwnerId", 1);
        out.put("searcherType", "single");
        out.put("startTime", time(e.startTime()));
        if (e.endTime() != null) {
            out.put("endTime", time(e.endTime()));
        }
        out.put("state", e.state());
        out.put("username", e.username());
        out.put("unmanaged", true);
        if (e.externalId() != null) {
            out.put("externalExperimentId", e.externalId());
        }
        return out;
    }

    static Map<String, Object> trial(Trial t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experimentId", t.experimentId());
        out.put("hparams", t.hparams());
        out.put("id", t.id());
        out.put("restarts", 0);
        out.put("startTime", time(t.startTime()));
        if (t.endTime() != null) {
            out.put("endTime", time(t.endTime()));
        }
        out.put("state", t.state());
        out.put("totalBatchesProcessed", t.totalBatchesProcessed());
        out.put("taskId", t.taskId());
        out.put("taskIds", List.of(t.taskId()));
        if (t.externalTrialId() != null) {
            out.put("externalTrialId", t.externalTrialId());
        }
        return out;
    }

    static Map<String, Object> checkpoint(Checkpoint c, Trial trial) {
        Map<String, Object> resources = new LinkedHashMap<>();
        c.resources().forEach((path, size) -> resources.put(path, Long.toString(size)));
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("trialId", trial.id());
        training.put("experimentId", trial.experimentId());
        training.put("hparams", trial.hparams());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uuid", c.uuid());
        out.put("taskId", c.taskId());
        out.put("allocationId", c.allocationId());
        out.put("reportTime", time(c.reportTime()));
        out.put("resources", resources);
        out.put("metadata", c.metadata());
        out.put("state", c.state());
        out.put("storageId", c.storageId());
        out.put("training", training);
        return out;
    }

    /** A stable job id per experiment, shaped like the master's uuids. */
    private static String jobId(long experimentId) {
        return "00000000-0000-4000-8000-%012d".formatted(experimentId);
    }

    static String time(Instant instant) {
        return instant.toString();
    }
}
