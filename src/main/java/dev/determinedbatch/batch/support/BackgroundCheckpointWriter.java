package dev.determinedbatch.batch.support;

import dev.determinedbatch.log.LogCode;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Stores and reports checkpoints on one background thread, so that training goes on while a
 * checkpoint is written. The training thread hands over a snapshot (a copy of the state, see
 * {@link TrainingCheckpoints#snapshot}) at each chunk boundary; at most ONE write is in flight:
 * the next boundary waits only while the previous write still runs, and that wait is counted
 * as stall.
 *
 * <p>Whoever commits a reference to the job repository asks {@link #durable()}: the newest
 * checkpoint that is stored and reported, never one still being written. So the reference
 * committed at boundary N+1 is N's (waited for at that boundary), or N+1's if it is already
 * durable. {@link #writeNow} writes synchronously (the last chunk, a stop): it waits for the write
 * in flight, writes, and returns once its checkpoint is durable.
 *
 * <p>A write that fails is logged at once ({@code DETBATCH-0313}) and fails the next call on the
 * training thread ({@link #handOver}, {@link #writeNow}, {@link #close}); after a failure
 * nothing more is written. Not for several training threads: one execution's step uses it.
 */
public final class BackgroundCheckpointWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BackgroundCheckpointWriter.class.getName());
    private static final long NO_WAIT = -1;

    /** One checkpoint's write: stores and reports it on the writer's thread, returns its reference. */
    @FunctionalInterface
    public interface Write {

        CheckpointReference run() throws Exception;
    }

    /** A write that failed on the background thread, as the training thread sees it. */
    public static final class WriteFailedException extends RuntimeException {

        WriteFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * What the writer has done so far, for logs and benchmarks.
     *
     * @param writes      writes handed over or written now
     * @param stalls      calls that waited for a write: a boundary while the previous one still ran,
     *                    every {@link #writeNow}, a close with a write in flight
     * @param stallNanos  those waits, summed
     */
    public record Tally(long writes, long stalls, long stallNanos) {

        public Duration stall() {
            return Duration.ofNanos(stallNanos);
        }
    }

    private final String name;
    private final ExecutorService thread;
    private final LongSupplier nanoTime;
    private final Consumer<CheckpointReference> onDurable;
    private volatile CheckpointReference durable;
    private Future<?> inFlight;
    private volatile Throwable failure;
    private volatile String failedWrite;
    private boolean failureSurfaced;
    private boolean closed;
    private long writes;
    private long stalls;
    private long stallNanos;

    /**
     * @param name      names the writer (the execution) in messages and its thread
     * @param threads   makes the one background thread (a daemon, so that nothing keeps a JVM up)
     * @param nanoTime  measures stalls ({@link System#nanoTime} but in tests)
     * @param durable   the newest durable checkpoint so far (the one resumed from), or null
     * @param onDurable told of each checkpoint once it is durable, on the writer's thread
     */
    public BackgroundCheckpointWriter(String name, ThreadFactory threads, LongSupplier nanoTime,
                                      CheckpointReference durable, Consumer<CheckpointReference> onDurable) {
        this.name = Objects.requireNonNull(name, "name");
        this.thread = Executors.newSingleThreadExecutor(Objects.requireNonNull(threads, "threads"));
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.durable = durable;
        this.onDurable = Objects.requireNonNull(onDurable, "onDurable");
    }

    /** A writer on a daemon thread named after {@code name}. */
    public static BackgroundCheckpointWriter daemon(String name, CheckpointReference durable,
                                                    Consumer<CheckpointReference> onDurable) {
        return new BackgroundCheckpointWriter(name, daemonThreads("determined-batch-checkpoint " + name),
                System::nanoTime, durable, onDurable);
    }

    /** A factory of daemon threads of that name. */
    public static ThreadFactory daemonThreads(String threadName) {
        return runnable -> {
            Thread t = new Thread(runnable, threadName);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Waits for the write in flight, if any (the stall), then takes the snapshot on the calling
     * thread and hands its write to the background thread, and returns. Taking the snapshot only
     * once the previous write is done keeps at most one copy of the state besides the live one.
     *
     * @param what     names the checkpoint in messages, e.g. {@code "the checkpoint at step 90"}
     * @param snapshot copies what the checkpoint holds, and returns the write that stores it
     * @throws WriteFailedException when an earlier write failed; no snapshot is taken
     */
    public synchronized void handOver(String what, Supplier<Write> snapshot) {
        stalled(awaitInFlight());
        rethrowFailure();
        start(what, snapshot.get());
    }

    /**
     * Waits until every earlier write is done, then takes the snapshot and waits for its write
     * too, so that its checkpoint is {@link #durable()} when this returns. The whole wait counts
     * as stall.
     *
     * @throws WriteFailedException when it or an earlier write failed
     */
    public synchronized CheckpointReference writeNow(String what, Supplier<Write> snapshot) {
        long waited = awaitInFlight();
        rethrowFailure();
        start(what, snapshot.get());
        long own = awaitInFlight();
        stalled(waited == NO_WAIT ? own : own == NO_WAIT ? waited : waited + own);
        rethrowFailure();
        return durable;
    }

    /** The newest checkpoint that is stored and reported; null before the first. */
    public CheckpointReference durable() {
        return durable;
    }

    /** Whether a write runs now. */
    public synchronized boolean writing() {
        return inFlight != null && !inFlight.isDone();
    }

    public synchronized Tally tally() {
        return new Tally(writes, stalls, stallNanos);
    }

    /**
     * Waits for the write in flight and ends the thread. Idempotent.
     *
     * @throws WriteFailedException when a write failed and no call has thrown it yet
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stalled(awaitInFlight());
            if (!failureSurfaced) {
                rethrowFailure();
            }
        } finally {
            closed = true;
            thread.shutdown();
        }
    }

    private void start(String what, Write write) {
        if (closed) {
            throw new IllegalStateException(name + ": the checkpoint writer is closed; " + what + " is not written");
        }
        writes++;
        inFlight = thread.submit(() -> {
            try {
                CheckpointReference stored = write.run();
                durable = stored;
                onDurable.accept(stored);
            } catch (Throwable e) {
                failedWrite = what;
                failure = e;
                LogCode.CHECKPOINT_WRITE_FAILED.logThrown(LOG, e, name, what, String.valueOf(e));
            }
        });
    }

    /** Waits for the write in flight, if any; returns how long that took, or {@link #NO_WAIT}. */
    private long awaitInFlight() {
        Future<?> pending = inFlight;
        inFlight = null;
        if (pending == null || pending.isDone()) {
            return NO_WAIT;
        }
        long start = nanoTime.getAsLong();
        awaitUninterruptedly(pending);
        return nanoTime.getAsLong() - start;
    }

    private void stalled(long nanos) {
        if (nanos != NO_WAIT) {
            stalls++;
            stallNanos += nanos;
        }
    }

    /** Throws a write's failure; again at every later call, so that nothing is written after it. */
    private void rethrowFailure() {
        Throwable failed = failure;
        if (failed != null) {
            failureSurfaced = true;
            throw new WriteFailedException(name + ": writing " + failedWrite + " failed, so the job fails; its last"
                    + " durable checkpoint is " + (durable == null ? "none of this run" : durable) + ": " + failed,
                    failed);
        }
    }

    /**
     * A boundary cannot leave a write half-awaited: an interrupt while waiting is kept for the
     * caller and the wait goes on, as the write cannot be taken back once started.
     */
    private static void awaitUninterruptedly(Future<?> pending) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    pending.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException unexpected) {
                    return; // the task catches everything; nothing else can end it
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
