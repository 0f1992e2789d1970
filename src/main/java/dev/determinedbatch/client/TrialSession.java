package dev.determinedbatch.client;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.TrialBackend;
import dev.determinedbatch.client.core.TrialInfo;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.client.delivery.LeftoverReports;
import dev.determinedbatch.client.delivery.ReportQueue;
import dev.determinedbatch.client.delivery.ReportSender;
import dev.determinedbatch.client.delivery.ReportSpill;
import dev.determinedbatch.client.delivery.ReportTally;
import dev.determinedbatch.client.delivery.SpillClaim;
import dev.determinedbatch.client.local.LocalBackend;
import dev.determinedbatch.client.master.MasterBackend;
import dev.determinedbatch.client.master.MasterConnection;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.time.ExecutorScheduler;
import dev.determinedbatch.time.Scheduler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * One run of a detached trial: the Java counterpart of Determined's {@code core_v2} context.
 * {@link #init} registers the trial and starts a run; {@link #info()}, {@link #metrics()} and
 * {@link #checkpoints()} are {@code core_v2.info}, {@code .train} and {@code .checkpoint};
 * {@link #close()} flushes and marks the trial COMPLETED, {@link #close(Throwable)} ERROR.
 * Log records of the thread that opened the session go to the trial's log in Determined.
 *
 * <p>Training goes on while the master is unreachable: reports wait in a spill file (see
 * {@link ReportQueue}) and go out in order once it answers. What close cannot deliver within
 * {@code det.close.timeout} stays there, followed by the trial's final state when the master
 * could not be told it either; a {@link LeftoverCourier} delivers both once the master answers,
 * and otherwise the next session of the same trial delivers the reports before it starts its
 * run ({@link LeftoverReports}). A session with a master holds its trial's spill file
 * ({@link SpillClaim}) from before it delivers the leftovers until it has closed, so that no
 * courier touches the file meanwhile.
 */
public final class TrialSession implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TrialSession.class.getName());

    private final TrialBackend backend;
    private final TrialInfo info;
    private final String trialKey;
    private final Duration closeTimeout;
    private final ReportSpill spill;
    /** the right to the spill file, null in local mode (no courier delivers local leftovers) */
    private final SpillClaim claim;
    private final ReportQueue queue;
    private final ReportSender sender;
    private final Metrics metrics;
    private final Checkpoints checkpoints;
    private final Heartbeat heartbeat;
    private final LogShipper logShipper;
    private final TrialLogHandler logHandler;
    private final Scheduler ownScheduler;
    private boolean closed;

    private TrialSession(TrialSpec spec, TrialBackend backend, SessionOptions options) {
        this.backend = backend;
        this.ownScheduler = options.scheduler() == null ? new ExecutorScheduler("determined-scheduler") : null;
        Scheduler scheduler = options.scheduler() == null ? ownScheduler : options.scheduler();
        try {
            int removed = spec.checkpointStorage().cleanUp();
            if (removed > 0) {
                LogCode.INTERRUPTED_WRITES_REMOVED.log(LOG, removed);
            }
        } catch (IOException e) {
            LogCode.INTERRUPTED_WRITES_NOT_CLEANED.log(LOG, e.getMessage());
        }
        ReportSpill[] trialSpill = new ReportSpill[1];
        SpillClaim[] trialClaim = new SpillClaim[1];
        String[] key = new String[1];
        try {
            this.info = backend.start(spec, spec.checkpointStorage().config(), trialKey -> {
                key[0] = trialKey;
                Path file = ReportSpill.fileOf(options.spillDirectory(), trialKey);
                if (options.master().isPresent()) {
                    // before the file is read: a courier may be delivering it
                    trialClaim[0] = claim(file);
                }
                trialSpill[0] = spill(file);
                LeftoverReports.deliver(trialSpill[0], backend);
            });
            if (trialSpill[0] == null) {
                throw new IllegalStateException(backend.getClass().getName()
                        + " did not name the trial before its run started");
            }
        } catch (RuntimeException e) {
            if (trialClaim[0] != null) {
                trialClaim[0].close();
            }
            throw e;
        }
        this.spill = trialSpill[0];
        this.trialKey = key[0];
        this.claim = trialClaim[0];
        this.closeTimeout = options.closeTimeout();
        this.heartbeat = new Heartbeat(backend, scheduler);
        heartbeat.start();
        this.queue = new ReportQueue(spill, options.metricQueueCapacity());
        this.sender = new ReportSender(backend, queue, scheduler,
                ReportSender.RETRY.withRandom(options.jitter()), "determined-reports-" + info.trialId());
        this.metrics = new Metrics(sender, info);
        this.checkpoints = new Checkpoints(spec.checkpointStorage(), backend, sender, queue, info, options.clock());
        if (options.shipLogs() && !info.local()) {
            this.logShipper = new LogShipper(backend, scheduler, options.clock(), options.logFlushInterval(),
                    options.logBatchLines());
            this.logHandler = new TrialLogHandler(logShipper);
            logHandler.bind(Thread.currentThread());
            Logger.getLogger("").addHandler(logHandler);
        } else {
            this.logShipper = null;
            this.logHandler = null;
        }
    }

    private static ReportSpill spill(Path file) {
        try {
            return new ReportSpill(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spill file " + file, e);
        }
    }

    /** Waits while the leftover courier delivers what an earlier session of the trial left. */
    private static SpillClaim claim(Path file) {
        try {
            return SpillClaim.claim(file, SpillClaim.PATIENCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the spill file " + file, e);
        }
    }

    /** {@code core_v2.init} with the MicroProfile Config of this application (or JVM). */
    public static TrialSession init(TrialSpec spec) {
        return init(spec, SessionOptions.fromConfig(ConfigProvider.getConfig()));
    }

    public static TrialSession init(TrialSpec spec, SessionOptions options) {
        TrialBackend backend = options.master()
                .<TrialBackend>map(settings -> new MasterBackend(MasterConnection.open(settings, options.sleeper(), options.jitter())))
                .orElseGet(() -> new LocalBackend(options.localMetricsFile(), options.clock()));
        try {
            return new TrialSession(spec, backend, options);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    public TrialInfo info() {
        return info;
    }

    /**
     * The trial's name at its master, the same for every run of it and usable as a file name
     * ({@code master-<cluster id>-trial-<id>}): what a {@link LeftoverCourier} takes to end a run
     * whose process died ({@link LeftoverCourier#endLostRun}).
     */
    public String trialKey() {
        return trialKey;
    }

    public Metrics metrics() {
        return metrics;
    }

    public Checkpoints checkpoints() {
        return checkpoints;
    }

    /** Also ship the log records of the calling thread (a worker of this trial). */
    public void bindCurrentThread() {
        if (logHandler != null) {
            logHandler.bind(Thread.currentThread());
        }
    }

    /** Delivers the reports (within {@code det.close.timeout}), then marks the trial COMPLETED. */
    @Override
    public void close() {
        close(TrialState.COMPLETED, null);
    }

    /** The work failed: delivers, ships the failure to the trial's log, marks the trial ERROR. */
    public void close(Throwable failure) {
        close(TrialState.ERROR, failure);
    }

    /**
     * Ends this run in {@code state}, e.g. PAUSED when the work was stopped to be resumed. Waits
     * at most {@code det.close.timeout} for the reports; what is left stays in the spill file, and
     * so does {@code state} when the master cannot be told it, for a {@link LeftoverCourier} to
     * send once the master answers (or the next session of the trial to deliver the reports). An
     * unreachable master is logged, not thrown: the training's result is safe.
     *
     * @throws DeterminedException when the master refused a report nobody saw refused yet, or
     *                             refused the trial's new state
     */
    public synchronized void close(TrialState state, Throwable failure) {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        heartbeat.close();
        long left = leaveUndelivered();
        RuntimeException flushFailure = sender.failure();
        TrialState end = flushFailure != null && state == TrialState.COMPLETED ? TrialState.ERROR : state;
        if (failure != null && logShipper != null) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            logShipper.append(trace.toString().stripTrailing());
            logShipper.append("Trial reached an ERROR state: " + failure.getMessage());
        }
        boolean marked = false;
        try {
            backend.setState(end);
            marked = true;
        } catch (RuntimeException e) {
            if (e instanceof DeterminedException d && d.retryable()) {
                boolean stateKept = keepFinalState(end);
                LogCode.TRIAL_NOT_MARKED.log(LOG, info.trialId(), end.wireName(), e.getMessage(), stateKept
                        ? "; the state waits in " + spill.file() + ", after the reports left there, for a leftover"
                            + " courier (the server runs one) to send once the master answers; without one the"
                            + " trial shows RUNNING until its next session starts" : "");
            } else if (flushFailure == null) {
                flushFailure = new DeterminedException("marking the trial " + end.wireName() + " failed: "
                        + e.getMessage(), e);
            }
        } finally {
            if (left > 0) {
                LogCode.TRIAL_CLOSED_WITH_UNDELIVERED_REPORTS.log(LOG, info.trialId(), info.trialRunId(),
                        marked ? "marked " + end.wireName() : "not marked " + end.wireName(),
                        String.valueOf(closeTimeout.toMillis() / 1000.0), leftTally(), spill.file());
            }
            if (logHandler != null) {
                Logger.getLogger("").removeHandler(logHandler);
                logShipper.close(Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofSeconds(5).toNanos())));
            }
            backend.close();
            if (ownScheduler != null) {
                ownScheduler.close();
            }
            if (claim != null) {
                claim.close();
            }
        }
        if (flushFailure != null) {
            throw flushFailure;
        }
    }

    /** Delivers what it can in time; returns how many reports are left in the spill. */
    private long leaveUndelivered() {
        try {
            return sender.close(closeTimeout);
        } catch (UncheckedIOException e) {
            LogCode.UNDELIVERED_REPORTS_LOST.logThrown(LOG, e, String.valueOf(info.trialId()), spill.file(),
                    e.getCause().getMessage());
            return 0;
        }
    }

    /**
     * Keeps the state close could not send after the reports left in the spill, for the leftover
     * courier. Local mode never gets here: its record is never unreachable.
     */
    private boolean keepFinalState(TrialState end) {
        try {
            queue.keepAfterClose(new Report.FinalState(info.trialId(), info.trialRunId(), end));
            return true;
        } catch (IOException | RuntimeException e) {
            LogCode.FINAL_STATE_NOT_KEPT.log(LOG, info.trialId(), end.wireName(), spill.file(), e.getMessage());
            return false;
        }
    }

    private String leftTally() {
        try {
            return ReportTally.ofLines(ReportSpill.readAll(spill.file())).toString();
        } catch (IOException e) {
            return "(cannot read them back: " + e.getMessage() + ")";
        }
    }
}
