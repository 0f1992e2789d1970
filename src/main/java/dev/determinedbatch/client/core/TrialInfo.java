package dev.determinedbatch.client.core;

import java.util.Optional;

/**
 * What {@code core_v2.info} tells: the trial as the master (or the local record) sees it.
 *
 * @param latestCheckpoint uuid of the checkpoint to resume from; only from the second run on
 * @param stepsCompleted   {@code steps_completed} of that checkpoint, 0 without one
 * @param storageId        the master's id for the checkpoint storage, may be null
 */
public record TrialInfo(
        long experimentId,
        long trialId,
        int trialRunId,
        String taskId,
        String clusterId,
        String latestCheckpoint,
        long stepsCompleted,
        Long storageId,
        boolean local) {

    public Optional<String> latestCheckpointUuid() {
        return Optional.ofNullable(latestCheckpoint);
    }
}
