package dev.determinedbatch.recovery;

import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.time.ExecutorScheduler;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;

/**
 * Starts this server's lease and the recovery of what crashed servers left, when the application
 * starts and before anything else observing that start (such as run-once mode) can start a job.
 *
 * <p>The lease is renewed by a plain daemon thread, not by the server's managed scheduled executor:
 * WildFly suspends managed executors when it suspends for a graceful shutdown, while jobs may still
 * be stopping, and a lease must beat as long as this JVM can still write to the job repository, and
 * stop exactly when the JVM dies.
 */
@ApplicationScoped
public class CrashRecoveryService {

    /** The job repository's data source (server-config/job-repository.cli). */
    public static final String DATA_SOURCE = "java:jboss/datasources/DeterminedBatchJobRepository";
    public static final String LEASE_PERIOD = "determined.batch.lease.period";
    public static final String LEASE_TIMEOUT = "determined.batch.lease.timeout";

    private static final Logger LOG = Logger.getLogger(CrashRecoveryService.class.getName());

    private Config config;
    private Clock clock;
    private Instance<TrialReaper> reapers;
    private volatile LeaseKeeper keeper;
    /**
     * A field, because only fields and setters take {@code @Resource}; as a resource reference it
     * also makes WildFly stop the data source after this application, so that the lease can be given up.
     */
    @Resource(lookup = DATA_SOURCE)
    private DataSource dataSource;

    /** For the client proxy of CDI. */
    protected CrashRecoveryService() {
    }

    /** @param reapers the application's {@link TrialReaper}, if it has one */
    @Inject
    public CrashRecoveryService(Config config, Clock clock, Instance<TrialReaper> reapers) {
        this.config = config;
        this.clock = clock;
        this.reapers = reapers;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) @Initialized(ApplicationScoped.class)
                 Object started) throws SQLException {
        Duration period = Duration.ofSeconds(config.getOptionalValue(LEASE_PERIOD, Long.class).orElse(10L));
        Duration timeout = config.getOptionalValue(LEASE_TIMEOUT, Long.class).map(Duration::ofSeconds)
                .orElse(period.multipliedBy(3));
        if (period.isNegative() || period.isZero() || timeout.compareTo(period) <= 0) {
            throw new IllegalArgumentException(LEASE_PERIOD + " must be positive and " + LEASE_TIMEOUT
                    + " longer than it; got " + period.toSeconds() + " s and " + timeout.toSeconds() + " s");
        }
        LocalProcesses processes = thisMachine();
        Instant now = clock.instant();
        ServerLease lease = new ServerLease(UUID.randomUUID().toString(), hostName(), ProcessHandle.current().pid(),
                processes.scope(), now, now);
        // clock tolerance: another server's clock may differ from the one that wrote a create time
        LeaseKeeper candidate = new LeaseKeeper(dataSource, lease, period,
                new RecoveryPolicy(timeout, period, processes), clock, new ExecutorScheduler("determined-batch-lease"),
                reapers.isResolvable() ? reapers.get() : TrialReaper.NONE);
        try {
            candidate.start();
        } catch (SQLException | RuntimeException e) {
            candidate.close();
            throw e;
        }
        keeper = candidate;
    }

    private LocalProcesses thisMachine() {
        Optional<String> testMachine = config.getOptionalValue(ThisMachine.TEST_MACHINE, String.class);
        if (testMachine.isEmpty()) {
            return new ThisMachine();
        }
        ThisMachine named = ThisMachine.named(testMachine.get());
        LogCode.TEST_MACHINE_CONFIGURED.log(LOG, ThisMachine.TEST_MACHINE, testMachine.get().strip());
        return named;
    }

    /** This server's lease; present once the application has started. */
    public LeaseKeeper keeper() {
        if (keeper == null) {
            throw new IllegalStateException("this server holds no lease yet: the application has not started");
        }
        return keeper;
    }

    @PreDestroy
    void stop() {
        if (keeper != null) {
            keeper.close();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown host";
        }
    }
}
