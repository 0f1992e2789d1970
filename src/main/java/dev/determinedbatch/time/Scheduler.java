package dev.determinedbatch.time;

import java.time.Duration;

/** Runs tasks later; injected so that heartbeats and log flushes are tested without sleeping. */
public interface Scheduler extends AutoCloseable {

    /** Runs {@code task} once after {@code delay}. */
    Cancellable schedule(Duration delay, Runnable task);

    @Override
    default void close() {
    }

    /** A scheduled task that may not have run yet. */
    interface Cancellable {
        void cancel();
    }
}
