package dev.determinedbatch.batch;

import dev.determinedbatch.client.LeftoverCourier;
import dev.determinedbatch.client.SessionOptions;
import dev.determinedbatch.log.LogCode;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Runs the {@link LeftoverCourier} while the application is deployed: what a training job's
 * session closed during a master outage left in the spill directory (reports, then the trial's
 * final state) goes to the master once it answers, while the server runs, not only when the job
 * is restarted. Like the lease, it runs on a daemon thread of its own, not on the server's managed
 * executor, which a graceful shutdown suspends while jobs may still be closing their trials.
 */
@ApplicationScoped
public class LeftoverCourierService {

    private static final Logger LOG = Logger.getLogger(LeftoverCourierService.class.getName());

    private TrainingEnvironment environment;
    private Clock clock;
    private LeftoverCourier courier;
    private boolean refused;
    private boolean stopped;

    /** For the client proxy of CDI. */
    protected LeftoverCourierService() {
    }

    @Inject
    public LeftoverCourierService(TrainingEnvironment environment, Clock clock) {
        this.environment = environment;
        this.clock = clock;
    }

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        courier();
    }

    /**
     * The courier, started by the first to ask: the application's start, or crash recovery, which
     * runs before it and hands the courier the ERROR of the trials of crashed servers' executions.
     *
     * @return empty when the configuration is invalid (logged once)
     */
    public synchronized Optional<LeftoverCourier> courier() {
        if (courier == null && !stopped && !refused) {
            SessionOptions options;
            try {
                options = environment.sessionOptions();
            } catch (IllegalArgumentException e) {
                // every job names the same problem when it starts; the server itself must come up
                LogCode.COURIER_NOT_STARTED.log(LOG, e.getMessage());
                refused = true;
                return Optional.empty();
            }
            courier = LeftoverCourier.start(options.withTime(clock, null, options.sleeper()));
        }
        return Optional.ofNullable(courier);
    }

    @PreDestroy
    synchronized void stop() {
        stopped = true;
        if (courier != null) {
            courier.close();
        }
    }
}
