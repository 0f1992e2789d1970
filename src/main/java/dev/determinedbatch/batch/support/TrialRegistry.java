package dev.determinedbatch.batch.support;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trials this server is training now, one execution each: a second execution of a running
 * trial would interleave two runs' metrics and checkpoints, so it is refused.
 */
@ApplicationScoped
public class TrialRegistry {

    private final Map<String, Long> running = new ConcurrentHashMap<>();
    private final Map<Long, ActiveTraining> trainings = new ConcurrentHashMap<>();

    /** @throws IllegalStateException naming the execution that trains the trial now */
    public void claim(TrialIdentity trial, long executionId) {
        Long holder = running.putIfAbsent(trial.key(), executionId);
        if (holder != null && holder != executionId) {
            throw new IllegalStateException("trial " + trial.key() + " is already being trained by job execution "
                    + holder + "; stop that execution or wait for it to end before starting " + executionId);
        }
    }

    /** Makes a running execution's training visible to the status API. */
    public void attach(long executionId, ActiveTraining training) {
        trainings.put(executionId, training);
    }

    public void release(TrialIdentity trial, long executionId) {
        running.remove(trial.key(), executionId);
        trainings.remove(executionId);
    }

    /** The training of an execution this server runs now. */
    public Optional<ActiveTraining> training(long executionId) {
        return Optional.ofNullable(trainings.get(executionId));
    }
}
