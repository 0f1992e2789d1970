package dev.determinedbatch.client;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.Scheduler;
import dev.determinedbatch.client.core.TrialBackend;
import dev.determinedbatch.client.core.TrialInfo;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.client.local.LocalBackend;
import dev.determinedbatch.client.master.MasterBackend;
import dev.determinedbatch.client.master.MasterConnection;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * One run of a detached trial: the Java counterpart of Determined's {@code core_v2} context.
 * {@link #init} registers the trial and starts a run; {@link #info()}, {@link #metrics()} and
 * {@link #checkpoints()} are {@code core_v2.info}, {@code .train} and {@code .checkpoint};
 * {@link #close()} flushes and marks the trial COMPLETED, {@link #close(Throwable)} ERROR.
 * Log records of the thread that opened the session go to the trial's log in Determined.
 */
public final class TrialSession implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TrialSession.class.getName());

    private final TrialBackend backend;
    private final TrialInfo info;
    private final MetricSender sender;
    private final Metrics metrics;
    private final Checkpoints checkpoints;
    private final Heartbeat heartbeat;
    private final LogShipper logShipper;
    private final TrialLogHandler logHandler;
    private final Scheduler ownScheduler;
    private boolean closed;

    private TrialSession(TrialSpec spec, TrialBackend backend, SessionOptions options) {
        this.backend = backend;
        this.ownScheduler = options.scheduler() == null ? new ExecutorScheduler() : null;
        Scheduler scheduler = options.scheduler() == null ? ownScheduler : options.scheduler();
        try {
            int removed = spec.checkpointStorage().cleanUp();
            if (removed > 0) {
                LOG.log(Level.INFO, "removed {0} leftovers of interrupted checkpoint writes and deletes", removed);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not clean up leftovers of interrupted checkpoint writes: {0}", e.getMessage());
        }
        this.info = backend.start(spec, spec.checkpointStorage().config());
        this.heartbeat = new Heartbeat(backend, scheduler);
        heartbeat.start();
        this.sender = new MetricSender(backend, options.metricQueueCapacity(), "determined-metrics-" + info.trialId());
        this.metrics = new Metrics(sender);
        this.checkpoints = new Checkpoints(spec.checkpointStorage(), backend, options.clock());
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

    /** {@code core_v2.init} with the MicroProfile Config of this application (or JVM). */
    public static TrialSession init(TrialSpec spec) {
        return init(spec, SessionOptions.fromConfig(ConfigProvider.getConfig()));
    }

    public static TrialSession init(TrialSpec spec, SessionOptions options) {
        TrialBackend backend = options.master()
                .<TrialBackend>map(settings -> new MasterBackend(MasterConnection.open(settings, options.sleeper())))
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

    /** Flushes the metrics, then marks the trial COMPLETED. */
    @Override
    public void close() {
        close(TrialState.COMPLETED, null);
    }

    /** The work failed: flushes, ships the failure to the trial's log, marks the trial ERROR. */
    public void close(Throwable failure) {
        close(TrialState.ERROR, failure);
    }

    /** Ends this run in {@code state}, e.g. PAUSED when the work was stopped to be resumed. */
    public synchronized void close(TrialState state, Throwable failure) {
        if (closed) {
            return;
        }
        closed = true;
        heartbeat.close();
        RuntimeException flushFailure = null;
        try {
            sender.flush();
        } catch (RuntimeException e) {
            flushFailure = e;
        } finally {
            sender.close();
        }
        TrialState end = flushFailure != null && state == TrialState.COMPLETED ? TrialState.ERROR : state;
        if (failure != null && logShipper != null) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            logShipper.append(trace.toString().stripTrailing());
            logShipper.append("Trial reached an ERROR state: " + failure.getMessage());
        }
        try {
            backend.setState(end);
        } catch (RuntimeException e) {
            if (flushFailure == null) {
                flushFailure = new DeterminedException("marking the trial " + end.wireName() + " failed: "
                        + e.getMessage(), e);
            }
        } finally {
            if (logHandler != null) {
                Logger.getLogger("").removeHandler(logHandler);
                logShipper.close();
            }
            backend.close();
            if (ownScheduler != null) {
                ownScheduler.close();
            }
        }
        if (flushFailure != null) {
            throw flushFailure;
        }
    }
}
