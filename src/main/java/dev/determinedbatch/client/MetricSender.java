package dev.determinedbatch.client;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.MetricReport;
import dev.determinedbatch.client.core.TrialBackend;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends metric and progress reports from a bounded queue on its own thread, in the order they
 * were made, so the training thread never waits on the network. As with Determined's client, a
 * full queue makes the caller wait, and a failed send is thrown at the caller on its next report
 * or on {@link #flush()}.
 */
final class MetricSender implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MetricSender.class.getName());

    /** One queued report. */
    private sealed interface Item permits Metrics, Progress, Stop {
    }

    private record Metrics(MetricReport report) implements Item {
    }

    private record Progress(double progress) implements Item {
    }

    private record Stop() implements Item {
    }

    private final TrialBackend backend;
    private final BlockingQueue<Item> queue;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Object idle = new Object();
    private long queued;
    private long done;
    private final Thread thread;

    MetricSender(TrialBackend backend, int capacity, String name) {
        this.backend = backend;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    void report(MetricReport report) {
        enqueue(new Metrics(report));
    }

    void progress(double progress) {
        enqueue(new Progress(progress));
    }

    private void enqueue(Item item) {
        rethrowFailure();
        synchronized (idle) {
            queued++;
        }
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (idle) {
                queued--;
                idle.notifyAll();
            }
            throw new DeterminedException("interrupted while waiting for room in the metrics queue", e);
        }
    }

    /** Waits until every report made so far was sent, then throws the first failure, if any. */
    void flush() {
        synchronized (idle) {
            while (done < queued) {
                if (!thread.isAlive()) {
                    throw new DeterminedException("the metrics sender thread died with " + (queued - done)
                            + " reports unsent");
                }
                try {
                    idle.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DeterminedException("interrupted while flushing " + (queued - done) + " metric reports", e);
                }
            }
        }
        rethrowFailure();
    }

    private void rethrowFailure() {
        RuntimeException failed = failure.getAndSet(null);
        if (failed != null) {
            throw new DeterminedException("an earlier metrics report failed: " + failed.getMessage(), failed);
        }
    }

    private void run() {
        while (true) {
            Item item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (item instanceof Stop) {
                return;
            }
            try {
                if (item instanceof Metrics m) {
                    backend.reportMetrics(m.report());
                } else if (item instanceof Progress p) {
                    backend.reportProgress(p.progress());
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "metrics report failed: {0}", e.getMessage());
                failure.compareAndSet(null, e);
            } finally {
                synchronized (idle) {
                    done++;
                    idle.notifyAll();
                }
            }
        }
    }

    /** Stops the thread after what is queued; call {@link #flush()} first to see failures. */
    @Override
    public void close() {
        try {
            queue.put(new Stop());
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
