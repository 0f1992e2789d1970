package dev.determinedbatch.batch;

import java.util.Map;

/**
 * A trial's training seen from one of its job executions.
 *
 * @param experimentId   Determined's experiment id (0 in local mode)
 * @param latestCheckpoint uuid of the trial's furthest checkpoint, null before the first
 * @param modelSha256    SHA-256 of the final weights, once training has finished
 */
public record TrainingStatus(long executionId, String batchStatus, Long experimentId, Long trialId,
                             long stepsCompleted, Long totalSteps, String latestCheckpoint,
                             Map<String, Object> metrics, String modelSha256) {
}
