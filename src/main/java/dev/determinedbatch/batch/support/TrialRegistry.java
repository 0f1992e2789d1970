package dev.determinedbatch.batch.support;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The trials this server is training now, one execution each: a second execution of a running
 * trial would interleave two runs' metrics and checkpoints, so it is refused. A training is
 * released last thing in its job's listeners, once its trial is closed at the master and its
 * owner row removed, so "released" means "nothing of ours still needs the server".
 */
@ApplicationScoped
public class TrialRegistry {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final Map<String, Long> running = new HashMap<>();
    private final Map<Long, ActiveTraining> trainings = new HashMap<>();

    /** @throws IllegalStateException naming the execution that trains the trial now */
    public void claim(TrialIdentity trial, long executionId) {
        lock.lock();
        try {
            Long holder = running.putIfAbsent(trial.key(), executionId);
            if (holder != null && holder != executionId) {
                throw new IllegalStateException("trial " + trial.key() + " is already being trained by job execution "
                        + holder + "; stop that execution or wait for it to end before starting " + executionId);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Makes a running execution's training visible to the status API and to {@link #awaitReleased}. */
    public void attach(long executionId, ActiveTraining training) {
        lock.lock();
        try {
            trainings.put(executionId, training);
        } finally {
            lock.unlock();
        }
    }

    public void release(TrialIdentity trial, long executionId) {
        lock.lock();
        try {
            running.remove(trial.key(), executionId);
            trainings.remove(executionId);
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The training of an execution this server runs now. */
    public Optional<ActiveTraining> training(long executionId) {
        lock.lock();
        try {
            return Optional.ofNullable(trainings.get(executionId));
        } finally {
            lock.unlock();
        }
    }

    /** The trainings this server runs now, oldest execution first. */
    public List<ActiveTraining> trainings() {
        lock.lock();
        try {
            return sorted();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every training is released or {@code clock} reaches {@code deadline}, whichever
     * comes first.
     *
     * @return the trainings still running then; empty when all were released
     */
    public List<ActiveTraining> awaitReleased(Instant deadline, Clock clock) throws InterruptedException {
        lock.lock();
        try {
            while (!trainings.isEmpty()) {
                Duration left = Duration.between(clock.instant(), deadline);
                if (left.isNegative() || left.isZero()) {
                    break;
                }
                // the clock decides when time is up; the condition only keeps us from spinning
                released.await(Math.max(1, saturatedNanos(left)), TimeUnit.NANOSECONDS);
            }
            return sorted();
        } finally {
            lock.unlock();
        }
    }

    private List<ActiveTraining> sorted() {
        return trainings.values().stream()
                .sorted(Comparator.comparingLong(t -> t.job().executionId())).toList();
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
