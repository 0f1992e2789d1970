package dev.determinedbatch.client;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.client.delivery.LeftoverReports;
import dev.determinedbatch.client.delivery.ReportSender;
import dev.determinedbatch.client.delivery.ReportSpill;
import dev.determinedbatch.client.delivery.ReportTally;
import dev.determinedbatch.client.delivery.SpillClaim;
import dev.determinedbatch.client.master.MasterBackend;
import dev.determinedbatch.client.master.MasterConnection;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.time.Backoff;
import dev.determinedbatch.time.ExecutorScheduler;
import dev.determinedbatch.time.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Delivers in the background what sessions closed during a master outage left in the spill
 * directory, once the master answers again, rather than only when the same trial is started
 * again: each file's reports in their order, under their own run ids, then the trial's final
 * state (the PATCH its close could not send), then the file goes ({@link LeftoverReports}). So a
 * trial does not show RUNNING at the master for good after its session ended in an outage.
 *
 * <p>It looks at the spill directory at once, then every {@code det.leftovers.period}; while
 * leftovers wait and the master does not answer, sooner: {@link ReportSender#RETRY}'s backoff,
 * from 5 s doubling up to 60 s with jitter, never longer than the period. It leaves alone the files of sessions still open, in this process or
 * another ({@link SpillClaim}), those of other masters, and local mode's. A session of a trial
 * whose file it is delivering waits for it: the courier stops after the report in flight and the
 * session delivers the rest. The server runs one; a Java SE program can too:
 *
 * <pre>{@code
 * try (LeftoverCourier courier = LeftoverCourier.start(SessionOptions.fromConfig(config))) {
 *     ... // train; sessions closed during an outage are finished off in the background
 * }
 * }</pre>
 */
public final class LeftoverCourier implements AutoCloseable {

    /** How long a file may stay undeliverable before it is warned about again. */
    static final Duration WARN_AGAIN = Duration.ofMinutes(15);
    /** How long close lets a delivery in progress stop at its next report. */
    private static final Duration SETTLE = Duration.ofSeconds(10);
    private static final String SPILL = ".jsonl";
    private static final String UNDELIVERABLE = ".undeliverable.jsonl";
    private static final String LOCK = ".jsonl.lock";
    private static final Logger LOG = Logger.getLogger(LeftoverCourier.class.getName());

    private final Path directory;
    /** null in local mode: there is nothing to deliver to */
    private final MasterBackend backend;
    private final Scheduler scheduler;
    private final Scheduler ownScheduler;
    private final Clock clock;
    private final Duration period;
    private final ReentrantLock round = new ReentrantLock();
    /** guarded by {@link #round}: when each undeliverable file (or the master) was last warned about */
    private final Map<String, Instant> warned = new HashMap<>();
    /** while the master does not answer: the sender's, never longer than the period */
    private final Backoff backoff;
    /** guarded by {@link #round}: looks in a row the master did not answer */
    private int retries;
    private String trialKeyPrefix;
    private Scheduler.Cancellable next;
    /** set by {@link #lookNow()}: the look in progress may have listed the directory before the new file */
    private volatile boolean lookAgain;
    private volatile boolean closed;

    /** What {@link #endLostRun} did. */
    public enum LostRunEnd {
        /** the ERROR is in the trial's spill file, forced to disk, and the courier looks at once */
        QUEUED,
        /** a session or a deliverer of this or another process holds the trial's spill file; nothing written */
        SPILL_HELD,
        /** no master is configured: there is no trial to end */
        NO_MASTER
    }

    private LeftoverCourier(SessionOptions options) {
        this.directory = options.spillDirectory().toAbsolutePath();
        this.backend = options.master()
                .map(settings -> new MasterBackend(MasterConnection.open(settings, options.sleeper(), options.jitter())))
                .orElse(null);
        this.ownScheduler = options.scheduler() == null ? new ExecutorScheduler("determined-leftover-courier") : null;
        this.scheduler = ownScheduler != null ? ownScheduler : options.scheduler();
        this.clock = options.clock();
        this.period = options.leftoverPeriod();
        this.backoff = ReportSender.RETRY.withRandom(options.jitter())
                .withMax(period.compareTo(ReportSender.RETRY.max()) < 0 ? period : ReportSender.RETRY.max());
    }

    /**
     * Starts looking at {@code options.spillDirectory()} for the leftovers of {@code options}'
     * master, on {@code options.scheduler()} (or a daemon thread of its own). In local mode it
     * does nothing: no master, nothing to deliver to.
     */
    public static LeftoverCourier start(SessionOptions options) {
        LeftoverCourier courier = new LeftoverCourier(options);
        if (courier.backend == null) {
            LOG.log(Level.FINE, "no Determined master configured: no leftovers to deliver");
        } else {
            LogCode.COURIER_STARTED.log(LOG, courier.directory, courier.period.toSeconds());
            courier.schedule(Duration.ZERO);
        }
        return courier;
    }

    /**
     * Ends the run {@code trialRunId} of trial {@code trialId}, whose process died before it could,
     * as Determined ends a failed trial: the trial's ERROR, the PATCH close would have sent, goes
     * into the trial's spill file in this courier's directory, after whatever waits there, forced
     * to disk, and the courier looks at once. So the master learns it as soon as it answers, even
     * after an outage or a crash of this process; a session of the trial opened here first skips it
     * (its own run starts the trial again), as it skips any final state left by an earlier run.
     *
     * @param trialKey the trial's key at this courier's master (see {@code TrialBackend.BeforeRun}):
     *                 the courier delivers the file only if it names this master
     */
    public LostRunEnd endLostRun(String trialKey, long trialId, int trialRunId) throws IOException {
        if (backend == null) {
            return LostRunEnd.NO_MASTER;
        }
        Path file = ReportSpill.fileOf(directory, trialKey);
        Files.createDirectories(directory);
        Optional<SpillClaim> claim = SpillClaim.tryClaim(file);
        if (claim.isEmpty()) {
            return LostRunEnd.SPILL_HELD;
        }
        try (SpillClaim held = claim.get()) {
            new ReportSpill(file).appendLeftover(new Report.FinalState(trialId, trialRunId, TrialState.ERROR));
        }
        lookNow();
        return LostRunEnd.QUEUED;
    }

    /** Where {@link #endLostRun} leaves a trial's ERROR. */
    public Path spillFileOf(String trialKey) {
        return ReportSpill.fileOf(directory, trialKey);
    }

    /** Looks at the spill directory now rather than at the next period. */
    public void lookNow() {
        lookAgain = true;
        schedule(Duration.ZERO);
    }

    private void look() {
        lookAgain = false;
        Duration wait = period;
        try {
            wait = deliverAll();
        } catch (RuntimeException e) {
            LogCode.COURIER_ROUND_FAILED.logThrown(LOG, e, directory, String.valueOf(wait.toSeconds()));
        } finally {
            schedule(lookAgain ? Duration.ZERO : wait);
        }
    }

    /** Replaces the look planned: one chain of looks, however often {@link #lookNow()} is called. */
    private synchronized void schedule(Duration delay) {
        if (!closed) {
            if (next != null) {
                next.cancel();
            }
            next = scheduler.schedule(delay, this::look);
        }
    }

    /**
     * One look at the spill directory: delivers the leftovers of every closed session of this
     * master's trials.
     *
     * @return when to look next: the period, or sooner while the master does not answer
     */
    Duration deliverAll() {
        round.lock();
        try {
            List<Path> files = candidates();
            if (files.isEmpty() || closed) {
                retries = 0;
                return period;
            }
            if (trialKeyPrefix == null) {
                try {
                    trialKeyPrefix = backend.trialKeyPrefix();
                } catch (DeterminedException e) {
                    if (!e.retryable()) {
                        warn("master", LogCode.COURIER_REFUSED, directory, e.getMessage(), period.toSeconds());
                        return period;
                    }
                    return unreachable("master", "the leftovers of closed sessions in " + directory + " ("
                            + files.size() + (files.size() == 1 ? " file" : " files") + ") cannot be delivered yet", e);
                }
            }
            warned.remove("master");
            for (Path file : files) {
                if (closed) {
                    break;
                }
                if (file.getFileName().toString().startsWith(trialKeyPrefix)) {
                    Duration wait = deliver(file);
                    if (wait != null) {
                        return wait;
                    }
                }
            }
            retries = 0;
            return period;
        } finally {
            round.unlock();
        }
    }

    /**
     * Delivers one spill file (or removes a lock file a dead process left) unless someone holds
     * it; returns when to look next when the master stopped answering, else null.
     */
    private Duration deliver(Path file) {
        String name = file.getFileName().toString();
        Path spillFile = name.endsWith(LOCK) ? file.resolveSibling(name.substring(0, name.length() - ".lock".length()))
                : file;
        String trial = trialOf(spillFile);
        Optional<SpillClaim> claim;
        try {
            claim = SpillClaim.tryClaim(spillFile);
        } catch (IOException e) {
            warn(spillFile.toString(), LogCode.COURIER_CANNOT_LOCK, spillFile, trial, e.getMessage());
            return null;
        }
        if (claim.isEmpty()) {
            LOG.log(Level.FINE, "{0} is held by an open session of trial {1} or another deliverer; left alone",
                    new Object[] {spillFile, trial});
            return null;
        }
        try (SpillClaim held = claim.get()) {
            if (!Files.exists(spillFile)) {
                return null; // a lock file only, now gone; or delivered meanwhile
            }
            LeftoverReports.Delivery delivery = LeftoverReports.deliver(new ReportSpill(spillFile), backend,
                    LeftoverReports.Deliverer.COURIER, () -> closed || held.contended());
            if (delivery.unreachable() != null) {
                return unreachable(spillFile.toString(), "the leftovers of trial " + trial + " in " + spillFile
                        + " (" + leftTally(spillFile) + ") cannot be delivered yet", delivery.unreachable());
            }
            warned.remove(spillFile.toString());
            if (!delivery.delivered().isEmpty() || delivery.left() > 0) {
                LogCode.COURIER_DELIVERED.log(LOG, trial, delivery.delivered(), spillFile, delivery.left() == 0 ? ""
                        : "; the other " + delivery.left() + " are left to a new session of the trial, which waits for"
                            + " them");
            }
            return null;
        } catch (IOException | UncheckedIOException e) {
            warn(spillFile.toString(), LogCode.COURIER_CANNOT_DELIVER, trial, spillFile, e.getMessage());
            return null;
        }
    }

    /** Backs off: the master does not answer. */
    private Duration unreachable(String subject, String what, DeterminedException e) {
        Duration wait = backoff.delay(retries++);
        warn(subject, LogCode.COURIER_MASTER_UNREACHABLE, what, e.getMessage(), Backoff.seconds(wait));
        return wait;
    }

    /** A WARNING the first time, and again every {@link #WARN_AGAIN} while it lasts; FINE between. */
    private void warn(String subject, LogCode message, Object... parameters) {
        Instant now = clock.instant();
        Instant last = warned.get(subject);
        boolean again = last == null || !now.isBefore(last.plus(WARN_AGAIN));
        if (again) {
            warned.put(subject, now);
        }
        if (again) {
            message.log(LOG, parameters);
        } else {
            message.fine(LOG, parameters);
        }
    }

    /** The spill files of sessions of a master, and their lock files, by name. */
    private List<Path> candidates() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(path -> {
                String name = path.getFileName().toString();
                return name.startsWith("master-") && (name.endsWith(SPILL) && !name.endsWith(UNDELIVERABLE)
                        || name.endsWith(LOCK) && !Files.exists(path.resolveSibling(
                                name.substring(0, name.length() - ".lock".length()))));
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the spill directory " + directory, e);
        }
    }

    private String trialOf(Path spillFile) {
        String name = spillFile.getFileName().toString();
        return name.substring(trialKeyPrefix.length(), name.length() - SPILL.length());
    }

    private static String leftTally(Path spillFile) {
        try {
            return Files.exists(spillFile) ? ReportTally.ofLines(ReportSpill.readAll(spillFile)).toString() : "none";
        } catch (IOException e) {
            return "cannot read them: " + e.getMessage();
        }
    }

    /**
     * Stops looking. A delivery in progress stops after its report in flight (waited for a few
     * seconds); what it did not deliver stays in the spill file.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (next != null) {
                next.cancel();
            }
        }
        boolean settled = false;
        try {
            settled = round.tryLock(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (ownScheduler != null) {
                ownScheduler.close();
            }
            if (backend != null) {
                backend.close();
            }
        } finally {
            if (settled) {
                round.unlock();
            }
        }
    }
}
