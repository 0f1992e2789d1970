package dev.determinedbatch.client.delivery;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.log.LogCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * A trial's reports in the order they were made, on their way to the master: up to
 * {@code capacity} in memory, the rest in the {@link ReportSpill}. The report in flight is older
 * than every spilled one, and every spilled one older than every one in memory: once anything
 * is spilled, new reports are spilled too (memory first) until the spill is drained. So the
 * sender delivers in the original order, whatever the master does. Adding never waits for the
 * network: when memory is full or the master is unreachable, reports go to the file.
 */
public final class ReportQueue {

    private static final Logger LOG = Logger.getLogger(ReportQueue.class.getName());

    /** How a report a caller waits for ended, short of being refused. */
    public enum Outcome {
        DELIVERED,
        /** in the spill file, the master being unreachable */
        KEPT
    }

    /**
     * One report on its way.
     *
     * @param tried an earlier try may have reached the master although its answer did not come
     */
    record Entry(long seq, Report report, boolean tried) {
    }

    private final ReportSpill spill;
    private final int capacity;
    private final Deque<Entry> memory = new ArrayDeque<>();
    private final Map<Long, CompletableFuture<Outcome>> waiters = new HashMap<>();
    /** the uuids of the checkpoints whose report is made and neither delivered nor refused yet */
    private final Set<String> unreportedCheckpoints = new HashSet<>();
    private Entry inFlight;
    /** where the report in flight is in the spill; null while it is only in memory */
    private ReportSpill.Line inFlightLine;
    private boolean offline;
    private boolean closed;
    private long made;
    private long finished;
    private RuntimeException failure;

    public ReportQueue(ReportSpill spill, int capacity) {
        this.spill = spill;
        this.capacity = capacity;
    }

    public Path spillFile() {
        return spill.file();
    }

    /**
     * Takes a report.
     *
     * @param watched whether the caller waits for the outcome
     * @return the outcome when watched: DELIVERED, KEPT during an outage, or the refusal
     * @throws DeterminedException when it would have to be spilled and the file cannot be written
     */
    synchronized CompletableFuture<Outcome> add(Report report, boolean watched) {
        if (closed) {
            throw new IllegalStateException("the trial session is closed: " + report.describe() + " was not taken");
        }
        Entry entry = new Entry(made, report, false);
        if (report instanceof Report.Checkpoint checkpoint) {
            unreportedCheckpoints.add(checkpoint.checkpoint().uuid());
        }
        if (offline || spill.hasUnread() || memory.size() >= capacity) {
            spill(entry);
        } else {
            memory.addLast(entry);
        }
        made++;
        CompletableFuture<Outcome> outcome = null;
        if (watched) {
            outcome = new CompletableFuture<>();
            if (offline) {
                outcome.complete(Outcome.KEPT);
            } else {
                waiters.put(entry.seq(), outcome);
            }
        }
        notifyAll();
        return outcome;
    }

    /** Appends the report in flight (unless spilled already), memory and {@code newest} to the spill. */
    private void spill(Entry newest) {
        boolean inFlightToo = inFlight != null && inFlightLine == null;
        List<String> lines = unspilledLines();
        if (newest != null) {
            lines.add(ReportLines.write(newest.seq(), newest.report()));
        }
        try {
            spill.append(lines);
            memory.clear();
            if (inFlightToo) {
                // nothing was unread before it: it is the first unread line, and already handed out
                inFlightLine = spill.readNext();
            }
        } catch (IOException e) {
            throw new DeterminedException("cannot keep " + lines.size() + " reports in the spill file " + spill.file()
                    + ": " + e.getMessage(), e);
        }
    }

    /** As spill lines, oldest first: the report in flight unless it is in the spill already, then memory. */
    private List<String> unspilledLines() {
        List<String> lines = new ArrayList<>();
        if (inFlight != null && inFlightLine == null) {
            lines.add(ReportLines.write(inFlight.seq(), inFlight.report()));
        }
        memory.forEach(e -> lines.add(ReportLines.write(e.seq(), e.report())));
        return lines;
    }

    /** The next report to deliver, oldest first; waits for one. Null once closed. */
    synchronized Entry next() throws InterruptedException {
        while (!closed) {
            if (inFlight != null) {
                return inFlight;
            }
            if (spill.hasUnread()) {
                ReportSpill.Line line;
                try {
                    line = spill.readNext();
                } catch (IOException e) {
                    throw new UncheckedIOException("reading the spill file " + spill.file() + " failed", e);
                }
                ReportLines.Numbered read;
                try {
                    read = ReportLines.read(line.text());
                } catch (IllegalArgumentException e) {
                    // only a changed file can hold one: count it as lost, loudly, and go on
                    LogCode.SPILL_LINE_SKIPPED.log(LOG, spill.file(), e.getMessage());
                    delivered(line);
                    finished++;
                    if (failure == null) {
                        failure = new DeterminedException("a report in " + spill.file() + " could not be read: "
                                + e.getMessage(), e);
                    }
                    continue;
                }
                inFlight = new Entry(read.seq(), read.report(), false);
                inFlightLine = line;
                return inFlight;
            }
            Entry entry = memory.pollFirst();
            if (entry != null) {
                inFlight = entry;
                return entry;
            }
            wait();
        }
        return null;
    }

    /** The sender is done with the report in flight: delivered ({@code refusal} null), or refused for good. */
    synchronized void done(Entry entry, RuntimeException refusal) {
        if (closed || inFlight == null || inFlight.seq() != entry.seq()) {
            return; // an answer that came after close: the report was left in the spill
        }
        if (inFlightLine != null) {
            delivered(inFlightLine);
        }
        inFlight = null;
        inFlightLine = null;
        finished++;
        if (entry.report() instanceof Report.Checkpoint checkpoint) {
            unreportedCheckpoints.remove(checkpoint.checkpoint().uuid());
        }
        CompletableFuture<Outcome> waiter = waiters.remove(entry.seq());
        if (refusal == null) {
            offline = false;
            if (waiter != null) {
                waiter.complete(Outcome.DELIVERED);
            }
        } else if (waiter != null) {
            waiter.completeExceptionally(refusal);
        } else if (failure == null) {
            failure = new DeterminedException(entry.report() instanceof Report.Checkpoint
                    ? entry.report().describe() + " is stored but reporting it failed: " + refusal.getMessage()
                    : "an earlier metrics report failed (" + entry.report().describe() + "): " + refusal.getMessage(),
                    refusal);
        }
        notifyAll();
    }

    private void delivered(ReportSpill.Line line) {
        try {
            spill.delivered(line);
        } catch (IOException e) {
            LogCode.SPILL_FILE_NOT_REMOVED.log(LOG, spill.file(), e.getMessage());
        }
    }

    /**
     * The master is unreachable: the report in flight is flagged as tried and everything goes
     * to the spill, where it waits; whoever waits for a report learns it is KEPT.
     */
    synchronized void unreachable() {
        if (inFlight != null) {
            inFlight = new Entry(inFlight.seq(), inFlight.report(), true);
        }
        offline = true;
        try {
            spill(null);
            waiters.values().forEach(w -> w.complete(Outcome.KEPT));
        } catch (DeterminedException e) {
            LogCode.REPORTS_NOT_KEPT.log(LOG, e.getMessage());
            waiters.values().forEach(w -> w.completeExceptionally(e));
        }
        waiters.clear();
        notifyAll();
    }

    synchronized boolean offline() {
        return offline;
    }

    /** Whether a report of this checkpoint is on its way: made, and neither delivered nor refused. */
    public synchronized boolean holdsCheckpoint(String uuid) {
        return unreportedCheckpoints.contains(uuid);
    }

    /**
     * Waits until every report made so far is delivered or refused, or, during an outage, kept
     * in the spill.
     */
    synchronized void awaitSettled(BooleanSupplier senderAlive) throws InterruptedException {
        long target = made;
        while (finished < target && !offline && !closed) {
            if (!senderAlive.getAsBoolean()) {
                throw new DeterminedException("the report sender thread died with " + (target - finished)
                        + " reports unsent");
            }
            wait(1000);
        }
    }

    /** Waits until every report is delivered or refused, or the deadline ({@link System#nanoTime()}) passed. */
    synchronized boolean awaitDrained(long deadline) throws InterruptedException {
        while (finished < made && !closed) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return finished >= made;
    }

    /** The first refusal nobody waited for, once. */
    synchronized RuntimeException takeFailure() {
        RuntimeException f = failure;
        failure = null;
        return f;
    }

    /**
     * Ends the queue. What was not delivered stays in the spill file alone, oldest first, for a
     * later session of the trial.
     *
     * @return how many reports were left there
     */
    synchronized long close() throws IOException {
        if (closed) {
            return made - finished;
        }
        closed = true;
        waiters.values().forEach(w -> w.complete(Outcome.KEPT));
        waiters.clear();
        notifyAll();
        long from = inFlightLine != null ? inFlightLine.start() : spill.readCursor();
        List<String> rest = unspilledLines();
        memory.clear();
        spill.keep(from, rest);
        return made - finished;
    }

    /**
     * After close: appends {@code report} to the spill file, after everything left there. For
     * the trial's final state, which close could not send.
     */
    public synchronized void keepAfterClose(Report report) throws IOException {
        if (!closed) {
            throw new IllegalStateException("the queue is open: " + report.describe() + " would go out before its reports");
        }
        spill.append(List.of(ReportLines.write(made++, report)));
    }
}
