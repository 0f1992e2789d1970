package dev.determinedbatch.client;

import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.time.Scheduler;
import dev.determinedbatch.client.core.TrialBackend;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Tells the master the trial is alive, as Determined's client does: at once, then every 60 s,
 * 10 s after a failure. A failed beat is logged, never fatal.
 */
final class Heartbeat implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofSeconds(60);
    static final Duration RETRY = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(Heartbeat.class.getName());

    private final TrialBackend backend;
    private final Scheduler scheduler;
    private Scheduler.Cancellable next;
    private boolean stopped;

    Heartbeat(TrialBackend backend, Scheduler scheduler) {
        this.backend = backend;
        this.scheduler = scheduler;
    }

    /** Beats once on the calling thread, then on the scheduler. */
    void start() {
        beat();
    }

    private void beat() {
        Duration delay;
        try {
            backend.heartbeat();
            delay = INTERVAL;
        } catch (RuntimeException e) {
            LogCode.HEARTBEAT_FAILED.log(LOG, RETRY.toSeconds(), e.getMessage());
            delay = RETRY;
        }
        synchronized (this) {
            if (!stopped) {
                next = scheduler.schedule(delay, this::beat);
            }
        }
    }

    @Override
    public synchronized void close() {
        stopped = true;
        if (next != null) {
            next.cancel();
        }
    }
}
