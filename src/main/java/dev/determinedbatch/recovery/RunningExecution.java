package dev.determinedbatch.recovery;

import java.time.Instant;

/**
 * A job execution the job repository says is STARTING, STARTED or STOPPING, with the server that
 * recorded itself as its owner.
 *
 * @param createdAt    JBeret's CREATETIME; null if absent
 * @param ownerServerId null when no server recorded itself: it crashed before it could, or the job
 *                      XML lists no {@code executionOwnerListener}
 */
public record RunningExecution(long executionId, long instanceId, String jobName, String batchStatus,
                               Instant createdAt, String ownerServerId) {
}
