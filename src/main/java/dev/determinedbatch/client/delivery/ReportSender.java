package dev.determinedbatch.client.delivery;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.TrialBackend;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.time.Backoff;
import dev.determinedbatch.time.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Sends a trial's reports from its {@link ReportQueue} on a thread of its own, in the order they
 * were made, so the training thread never waits on the network. When the master stays
 * unreachable through the connection's own retries, the reports wait in the spill file and the
 * sender tries again later, backing off on the injected {@link Scheduler} as its {@link Backoff}
 * says ({@link #RETRY}: from 5 s doubling to 60 s, with jitter), from the first wait again once
 * a report got through. A refusal (not an outage) of a report nobody waits
 * for is thrown at the caller's next report or {@link #flush()}.
 */
public final class ReportSender {

    /** The sender's and the leftover courier's: from 5 s doubling to 60 s, less up to a fifth at random. */
    public static final Backoff RETRY = Backoff.exponential(Duration.ofSeconds(5), Duration.ofSeconds(60));
    /** How long close lets a call in flight settle its report before leaving it to the spill. */
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(ReportSender.class.getName());

    private final TrialBackend backend;
    private final ReportQueue queue;
    private final Scheduler scheduler;
    private final Backoff backoff;
    private final Thread thread;
    private final Object retry = new Object();
    private boolean retryDue;
    private boolean stopping;
    private Scheduler.Cancellable retryTask;

    public ReportSender(TrialBackend backend, ReportQueue queue, Scheduler scheduler, Backoff backoff, String name) {
        this.backend = backend;
        this.queue = queue;
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Takes a report without waiting; throws an earlier refusal first. */
    public void report(Report report) {
        rethrowFailure();
        queue.add(report, false);
    }

    /**
     * Takes a report and waits until it is delivered, or kept in the spill because the master is
     * unreachable.
     *
     * @throws RuntimeException the refusal, when the master refused it
     */
    public ReportQueue.Outcome reportAndWait(Report report) {
        CompletableFuture<ReportQueue.Outcome> outcome = queue.add(report, true);
        while (true) {
            try {
                return outcome.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (!thread.isAlive()) {
                    throw new DeterminedException("the report sender thread died before " + report.describe()
                            + " was delivered");
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r
                        : new DeterminedException(report.describe() + " failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeterminedException("interrupted while waiting for " + report.describe(), e);
            }
        }
    }

    /**
     * Waits until every report made so far was delivered, or, while the master is unreachable,
     * kept in the spill; then throws the first refusal, if any.
     */
    public void flush() {
        try {
            queue.awaitSettled(thread::isAlive);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeterminedException("interrupted while flushing reports", e);
        }
        rethrowFailure();
    }

    /** The first refusal no caller has seen, as the caller sees it; null when none. */
    public RuntimeException failure() {
        return queue.takeFailure();
    }

    private void rethrowFailure() {
        RuntimeException failed = failure();
        if (failed != null) {
            throw failed;
        }
    }

    private void run() {
        int retries = 0;
        while (!stopping()) {
            ReportQueue.Entry entry;
            try {
                entry = queue.next();
            } catch (InterruptedException e) {
                return;
            } catch (UncheckedIOException e) {
                // the spill cannot be read now (a disk error): the reports stay in it, try again later
                Duration wait = backoff.delay(retries++);
                LogCode.SPILL_NOT_READABLE.log(LOG, e.getMessage(), Backoff.seconds(wait));
                scheduleRetry(wait);
                if (!awaitRetry()) {
                    return;
                }
                continue;
            }
            if (entry == null) {
                return;
            }
            try {
                backend.deliver(entry.report(), entry.tried());
                queue.done(entry, null);
                retries = 0;
            } catch (RuntimeException e) {
                if (!(e instanceof DeterminedException d && d.retryable())) {
                    LogCode.REPORT_REFUSED.log(LOG, entry.report().describe(), e.getMessage());
                    queue.done(entry, e);
                    continue;
                }
                boolean first = !queue.offline();
                Duration wait = backoff.delay(retries++);
                // scheduled before the reports count as kept: whoever sees them kept finds the retry due
                scheduleRetry(wait);
                queue.unreachable();
                Object[] waiting =
                        {entry.report().describe(), e.getMessage(), queue.spillFile(), Backoff.seconds(wait)};
                if (first) {
                    LogCode.REPORTS_WAIT_MASTER_UNREACHABLE.log(LOG, waiting);
                } else {
                    LogCode.REPORTS_WAIT_MASTER_UNREACHABLE.fine(LOG, waiting);
                }
                if (!awaitRetry()) {
                    return;
                }
            }
        }
    }

    private void scheduleRetry(Duration wait) {
        synchronized (retry) {
            if (retryTask != null) {
                retryTask.cancel();
            }
            retryTask = scheduler.schedule(wait, this::retryNow);
        }
    }

    private boolean stopping() {
        synchronized (retry) {
            return stopping;
        }
    }

    /** Ends a wait between tries now. */
    public void retryNow() {
        synchronized (retry) {
            retryDue = true;
            retry.notifyAll();
        }
    }

    /** @return false when stopping */
    private boolean awaitRetry() {
        synchronized (retry) {
            while (!retryDue && !stopping) {
                try {
                    retry.wait();
                } catch (InterruptedException e) {
                    return false;
                }
            }
            retryDue = false;
            return !stopping;
        }
    }

    /**
     * Delivers what it can within {@code timeout}, then stops. What is left stays in the spill
     * file for a later session of the trial.
     *
     * @return how many reports were left
     * @throws UncheckedIOException when what is left could not be written to the spill
     */
    public long close(Duration timeout) {
        retryNow();
        boolean drained;
        try {
            drained = queue.awaitDrained(System.nanoTime() + timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        synchronized (retry) {
            stopping = true;
            if (retryTask != null) {
                retryTask.cancel();
            }
            retry.notifyAll();
        }
        if (!drained) {
            join(SETTLE);
        }
        long left;
        try {
            left = queue.close();
        } catch (IOException e) {
            throw new UncheckedIOException("keeping the undelivered reports in " + queue.spillFile() + " failed", e);
        } finally {
            join(SETTLE);
        }
        return left;
    }

    private void join(Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
