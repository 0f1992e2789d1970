package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.ActiveTraining;
import dev.determinedbatch.batch.support.TrialRegistry;
import dev.determinedbatch.log.LogCode;
import jakarta.annotation.PreDestroy;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;

/**
 * Ends this server's trainings cleanly when the server stops gracefully, in bounded time.
 *
 * <p>WildFly does most of it. On SIGTERM it suspends the server for at most
 * {@code org.wildfly.sigterm.suspend.timeout} seconds, which {@code server-config/graceful-stop.cli}
 * sets from {@value #STOP_TIMEOUT}. On suspend the batch subsystem asks every running execution
 * to stop, and the request controller counts a running execution as an active request: the
 * suspend lasts until the execution has ended, its listeners included, while the job repository,
 * the data source and CDI are all up. The chunk ends at once (see
 * {@link StepsOrTimeCheckpointAlgorithm}), the execution ends STOPPED, its trial PAUSED.
 *
 * <p>This bean covers what is left when the application stops with trainings still running: the
 * suspend ran out of time, or the application is undeployed without one. It asks them to stop,
 * waits for them until {@value #STOP_TIMEOUT} has passed since the stop began (a JVM shutdown
 * hook notes when SIGTERM came, so that the suspend's wait and this one add up to the timeout,
 * not twice it), and names every execution left, with what to do about it.
 */
@ApplicationScoped
public class GracefulStop {

    /** Seconds a graceful stop waits for running executions to end; negative: no bound. */
    public static final String STOP_TIMEOUT = "determined.batch.stop.timeout";
    static final long DEFAULT_STOP_TIMEOUT_SECONDS = 30;
    private static final Logger LOG = Logger.getLogger(GracefulStop.class.getName());

    private TrialRegistry registry;
    private Clock clock;
    private Duration timeout;
    private volatile Instant stopBegan;
    private Thread shutdownHook;

    /** For the client proxy of CDI. */
    protected GracefulStop() {
    }

    @Inject
    public GracefulStop(TrialRegistry registry, Clock clock, Config config) {
        this(registry, clock, timeout(config.getOptionalValue(STOP_TIMEOUT, Long.class).orElse(DEFAULT_STOP_TIMEOUT_SECONDS)));
    }

    GracefulStop(TrialRegistry registry, Clock clock, Duration timeout) {
        this.registry = registry;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** Null for no bound. */
    static Duration timeout(long seconds) {
        return seconds < 0 ? null : Duration.ofSeconds(seconds);
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        Thread hook = new Thread(this::stopBegins, "determined-batch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
    }

    /** The JVM begins to stop (SIGTERM, or System.exit): says what WildFly's suspend now waits for. */
    void stopBegins() {
        stopBegan = clock.instant();
        List<ActiveTraining> running = registry.trainings();
        if (!running.isEmpty()) {
            LogCode.STOP_WAITING.log(LOG, timeout == null ? "no bound" : timeout.toSeconds() + " s", STOP_TIMEOUT,
                    describe(running));
        }
    }

    void onStop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping) throws InterruptedException {
        awaitTrainings(executionId -> BatchRuntime.getJobOperator().stop(executionId));
    }

    /**
     * Asks the running trainings to stop and waits for them until the deadline; logs each one left.
     *
     * @param stop asks one execution to stop (JBeret ignores a second request)
     * @return the trainings still running at the deadline
     */
    List<ActiveTraining> awaitTrainings(LongConsumer stop) throws InterruptedException {
        List<ActiveTraining> running = registry.trainings();
        if (running.isEmpty()) {
            return running;
        }
        Instant deadline = deadline();
        List<ActiveTraining> left = running;
        if (clock.instant().isBefore(deadline)) {
            for (ActiveTraining training : running) {
                try {
                    stop.accept(training.job().executionId());
                } catch (RuntimeException e) {
                    // ended meanwhile, or the batch runtime is already gone: the wait below tells
                    LOG.log(Level.FINE, "cannot ask execution " + training.job().executionId() + " to stop", e);
                }
            }
            LogCode.STOP_APPLICATION_WAITING.log(LOG, describe(running),
                    deadline == Instant.MAX ? "it ends" : deadline);
            left = registry.awaitReleased(deadline, clock);
        }
        for (ActiveTraining training : left) {
            LogCode.STOP_NOT_ENDED_IN_TIME.log(LOG, training.job().jobName(),
                    String.valueOf(training.job().executionId()), training.parameters().trial().key(), STOP_TIMEOUT,
                    timeout == null ? "no bound" : timeout.toSeconds() + " s");
        }
        if (left.isEmpty()) {
            LogCode.STOP_ALL_ENDED.log(LOG, describe(running));
        }
        return left;
    }

    /** The stop timeout after the stop began: the JVM's, else now (the application alone stops). */
    Instant deadline() {
        if (timeout == null) {
            return Instant.MAX;
        }
        Instant began = stopBegan != null ? stopBegan : clock.instant();
        return began.plus(timeout);
    }

    private static String describe(List<ActiveTraining> trainings) {
        return trainings.stream().map(t -> "job " + t.job().jobName() + " execution " + t.job().executionId())
                .collect(Collectors.joining(", "));
    }

    /** An application undeployed from a running server leaves no hook behind (nor its class loader). */
    @PreDestroy
    void removeHook() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException stopping) {
                // the JVM is stopping: the hook has run or runs now
            }
        }
    }
}
