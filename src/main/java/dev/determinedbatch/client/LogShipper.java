package dev.determinedbatch.client;

import dev.determinedbatch.client.core.LogLine;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.time.Scheduler;
import dev.determinedbatch.client.core.TrialBackend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Ships the trial's log lines to the master as Determined's client does: batched every second or
 * every 1000 lines, on a thread of its own. Lines that fail to ship stay for the next batch up to
 * a bound; past it the oldest are dropped and the drop is counted in the log.
 */
final class LogShipper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LogShipper.class.getName());

    private final TrialBackend backend;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Duration interval;
    private final int batchLines;
    private final int maxBuffered;
    private final Deque<LogLine> buffer = new ArrayDeque<>();
    private final ExecutorService sender;
    private Scheduler.Cancellable tick;
    private long dropped;
    private volatile Thread senderThread;

    LogShipper(TrialBackend backend, Scheduler scheduler, Clock clock, Duration interval, int batchLines) {
        this.backend = backend;
        this.scheduler = scheduler;
        this.clock = clock;
        this.interval = interval;
        this.batchLines = batchLines;
        this.maxBuffered = batchLines * 10;
        this.sender = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "determined-log-shipper");
            t.setDaemon(true);
            senderThread = t;
            return t;
        });
        this.tick = scheduler.schedule(interval, this::onTick);
    }

    /** Whether the calling thread is the one shipping, whose own logging must not be shipped. */
    boolean isShippingThread() {
        return Thread.currentThread() == senderThread;
    }

    /** Adds a text, one line per {@code \n}. */
    void append(String text) {
        Instant now = clock.instant();
        boolean full;
        synchronized (buffer) {
            for (String line : text.split("\n", -1)) {
                buffer.addLast(new LogLine(now, line));
            }
            if (text.endsWith("\n")) {
                buffer.removeLast();
            }
            while (buffer.size() > maxBuffered) {
                buffer.removeFirst();
                dropped++;
            }
            full = buffer.size() >= batchLines;
        }
        if (full) {
            sender.submit(this::shipAll);
        }
    }

    private void onTick() {
        sender.submit(this::shipAll);
        synchronized (buffer) {
            if (tick != null) {
                tick = scheduler.schedule(interval, this::onTick);
            }
        }
    }

    private void shipAll() {
        while (true) {
            List<LogLine> batch = new ArrayList<>();
            long lost;
            synchronized (buffer) {
                while (!buffer.isEmpty() && batch.size() < batchLines) {
                    batch.add(buffer.removeFirst());
                }
                lost = dropped;
                dropped = 0;
            }
            if (lost > 0) {
                LogCode.TRIAL_LOG_LINES_DROPPED.log(LOG, lost);
            }
            if (batch.isEmpty()) {
                return;
            }
            try {
                backend.shipLogs(batch);
            } catch (RuntimeException e) {
                synchronized (buffer) {
                    for (int i = batch.size() - 1; i >= 0; i--) {
                        buffer.addFirst(batch.get(i));
                    }
                }
                LogCode.TRIAL_LOG_SHIPPING_FAILED.log(LOG, batch.size(), e.getMessage());
                return;
            }
        }
    }

    /** Ships what is left and stops; waits at most {@code timeout}. */
    void close(Duration timeout) {
        synchronized (buffer) {
            if (tick != null) {
                tick.cancel();
                tick = null;
            }
        }
        Future<?> last = sender.submit(this::shipAll);
        sender.shutdown();
        try {
            last.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            LogCode.TRIAL_LOG_NOT_SHIPPED_IN_TIME.log(LOG, timeout);
        } catch (java.util.concurrent.ExecutionException e) {
            LogCode.TRIAL_LOG_LAST_SHIPPING_FAILED.logThrown(LOG, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
