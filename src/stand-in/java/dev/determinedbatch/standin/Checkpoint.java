package dev.determinedbatch.standin;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A reported checkpoint.
 *
 * @param trialId   the trial whose task id the checkpoint was reported with
 * @param resources relative path to size in bytes ("dir/" entries are 0)
 * @param state     STATE_COMPLETED, or STATE_DELETED once deleted
 */
public record Checkpoint(String uuid, String taskId, long trialId, String allocationId,
                         Map<String, Object> metadata, Map<String, Long> resources,
                         String state, Long storageId, Instant reportTime) {

    public Checkpoint {
        metadata = Fields.freeze(metadata);
        resources = Map.copyOf(resources);
    }

    /** {@code metadata.steps_completed} as a number, or 0 when absent or not a number. */
    public long stepsCompleted() {
        Object steps = metadata.get("steps_completed");
        if (steps instanceof Number n) {
            return n.longValue();
        }
        try {
            return steps == null ? 0 : Long.parseLong(steps.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Same checkpoint content: a re-post of it (a retry) is harmless. Times are not content. */
    boolean sameContent(Checkpoint other) {
        return uuid.equals(other.uuid) && taskId.equals(other.taskId)
                && metadata.equals(other.metadata) && resources.equals(other.resources)
                && Objects.equals(storageId, other.storageId);
    }

    Checkpoint withState(String newState) {
        return new Checkpoint(uuid, taskId, trialId, allocationId, metadata, resources, newState,
                storageId, reportTime);
    }
}
