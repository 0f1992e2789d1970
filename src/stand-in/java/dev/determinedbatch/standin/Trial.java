package dev.determinedbatch.standin;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A trial as the master holds it.
 *
 * @param externalTrialId null when created by {@code POST /api/v1/trials}
 * @param hparams         empty when the client sent null
 * @param runId           0 until the first start; each start increments it
 * @param endTime         set when the trial reaches a terminal state, cleared by a new start
 * @param progress        the last reported progress, or null
 * @param lastHeartbeat   the time of the last PATCH without a state, or null
 * @param totalBatchesProcessed the step of the last training metrics report
 * @param storageId       set by {@code POST /api/v1/runs/start}, or null
 */
public record Trial(long id, long experimentId, String externalTrialId, String taskId,
                    Map<String, Object> hparams, String state, int runId, Instant startTime,
                    Instant endTime, Double progress, Instant lastHeartbeat,
                    long totalBatchesProcessed, Long storageId) {

    /** The states a PATCH may set (experimentv1.State). */
    public static final Set<String> STATES = Set.of("STATE_ACTIVE", "STATE_PAUSED",
            "STATE_STOPPING_CANCELED", "STATE_STOPPING_COMPLETED", "STATE_STOPPING_ERROR",
            "STATE_STOPPING_KILLED", "STATE_COMPLETED", "STATE_CANCELED", "STATE_ERROR",
            "STATE_DELETED", "STATE_DELETING", "STATE_DELETE_FAILED", "STATE_QUEUED",
            "STATE_PULLING", "STATE_STARTING", "STATE_RUNNING");

    /** States that end a trial and set its end time. */
    public static final Set<String> TERMINAL = Set.of("STATE_COMPLETED", "STATE_CANCELED",
            "STATE_ERROR", "STATE_DELETED");

    public Trial {
        hparams = Fields.freeze(hparams == null ? Map.of() : hparams);
    }

    public boolean ended() {
        return TERMINAL.contains(state);
    }

    Trial withState(String newState, Instant newEndTime) {
        return new Trial(id, experimentId, externalTrialId, taskId, hparams, newState, runId,
                startTime, newEndTime, progress, lastHeartbeat, totalBatchesProcessed, storageId);
    }

    /** A new run: active again, no end time. */
    Trial withNextRun() {
        return new Trial(id, experimentId, externalTrialId, taskId, hparams, "STATE_ACTIVE",
                runId + 1, startTime, null, progress, lastHeartbeat, totalBatchesProcessed,
                storageId);
    }

    Trial withHeartbeat(Instant at) {
        return new Trial(id, experimentId, externalTrialId, taskId, hparams, state, runId,
                startTime, endTime, progress, at, totalBatchesProcessed, storageId);
    }

    Trial withProgress(double newProgress) {
        return new Trial(id, experimentId, externalTrialId, taskId, hparams, state, runId,
                startTime, endTime, newProgress, lastHeartbeat, totalBatchesProcessed, storageId);
    }

    Trial withTotalBatches(long batches) {
        return new Trial(id, experimentId, externalTrialId, taskId, hparams, state, runId,
                startTime, endTime, progress, lastHeartbeat, batches, storageId);
    }

    Trial withStorage(long newStorageId) {
        return new Trial(id, experimentId, externalTrialId, taskId, hparams, state, runId,
                startTime, endTime, progress, lastHeartbeat, totalBatchesProcessed, newStorageId);
    }
}
