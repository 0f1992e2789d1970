package dev.determinedbatch.recovery;

import java.time.Instant;

/**
 * The decision to mark a running execution FAILED, so that {@code JobOperator.restart} accepts it.
 *
 * @param exitStatus  what the execution and its running steps get as exit status
 * @param cause       why its server is taken for lost, for the log
 * @param seenRenewal the owner's lease renewal this decision saw (null: no owner or no lease); the
 *                    update is skipped if the lease was renewed since
 */
public record Recovery(RunningExecution execution, String exitStatus, String cause, Instant seenRenewal) {
}
