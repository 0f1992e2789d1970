package dev.determinedbatch.client;

import dev.determinedbatch.client.master.Credentials;
import dev.determinedbatch.client.master.MasterConnection;
import dev.determinedbatch.client.master.MasterSettings;
import dev.determinedbatch.client.master.MasterTls;
import dev.determinedbatch.client.master.MasterUrl;
import dev.determinedbatch.time.Backoff;
import dev.determinedbatch.time.Scheduler;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;
import org.eclipse.microprofile.config.Config;

/**
 * How a {@link TrialSession} (and a {@link LeftoverCourier}) runs: against which master (none:
 * local mode), with which clock, scheduler and queue sizes. {@link #fromConfig} reads the MicroProfile Config keys, which
 * include Determined's own environment variables ({@code det.master} is {@code DET_MASTER}).
 *
 * @param master              empty for local mode
 * @param localMetricsFile    where local mode appends its events
 * @param scheduler           null for a real one owned by the session (or courier)
 * @param sleeper             waits between the master connection's retries
 * @param jitter              draws the random share taken off each retry's wait ({@link Backoff}), in [0, 1)
 * @param metricQueueCapacity reports kept in memory; more wait in the spill file
 * @param spillDirectory      where reports wait while the master is unreachable (one file per trial)
 * @param closeTimeout        how long close delivers before it leaves the rest in the spill
 * @param leftoverPeriod      how often a {@link LeftoverCourier} looks for what closed sessions left
 */
public record SessionOptions(
        Optional<MasterSettings> master,
        Path localMetricsFile,
        Clock clock,
        Scheduler scheduler,
        MasterConnection.Sleeper sleeper,
        DoubleSupplier jitter,
        int metricQueueCapacity,
        Duration logFlushInterval,
        int logBatchLines,
        boolean shipLogs,
        Path spillDirectory,
        Duration closeTimeout,
        Duration leftoverPeriod) {

    public static final int DEFAULT_QUEUE_CAPACITY = 1000;
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_LEFTOVER_PERIOD = Duration.ofSeconds(60);

    public SessionOptions {
        if (metricQueueCapacity < 1) {
            throw new IllegalArgumentException("det.metrics.queue-capacity must be at least 1, got " + metricQueueCapacity);
        }
        if (closeTimeout.isNegative()) {
            throw new IllegalArgumentException("det.close.timeout must not be negative, got " + closeTimeout);
        }
        if (leftoverPeriod.isNegative() || leftoverPeriod.isZero()) {
            throw new IllegalArgumentException("det.leftovers.period must be positive, got " + leftoverPeriod);
        }
    }

    public static SessionOptions local(Path metricsFile) {
        return new SessionOptions(Optional.empty(), metricsFile, Clock.systemUTC(), null,
                MasterConnection.Sleeper.REAL, Backoff.RANDOM, DEFAULT_QUEUE_CAPACITY, Duration.ofSeconds(1), 1000, true,
                defaultDataDirectory().resolve("spill"), DEFAULT_CLOSE_TIMEOUT, DEFAULT_LEFTOVER_PERIOD);
    }

    public static SessionOptions master(MasterSettings master) {
        return local(defaultMetricsFile()).withMaster(master);
    }

    public SessionOptions withMaster(MasterSettings settings) {
        return new SessionOptions(Optional.ofNullable(settings), localMetricsFile, clock, scheduler, sleeper, jitter,
                metricQueueCapacity, logFlushInterval, logBatchLines, shipLogs, spillDirectory, closeTimeout,
                leftoverPeriod);
    }

    public SessionOptions withTime(Clock clock, Scheduler scheduler, MasterConnection.Sleeper sleeper) {
        return new SessionOptions(master, localMetricsFile, clock, scheduler, sleeper, jitter,
                metricQueueCapacity, logFlushInterval, logBatchLines, shipLogs, spillDirectory, closeTimeout,
                leftoverPeriod);
    }

    /** The random source of every retry's jitter: {@link Backoff#NO_JITTER} makes the waits exact. */
    public SessionOptions withJitter(DoubleSupplier random) {
        return new SessionOptions(master, localMetricsFile, clock, scheduler, sleeper, random,
                metricQueueCapacity, logFlushInterval, logBatchLines, shipLogs, spillDirectory, closeTimeout,
                leftoverPeriod);
    }

    public SessionOptions withLocalMetricsFile(Path file) {
        return new SessionOptions(master, file, clock, scheduler, sleeper, jitter,
                metricQueueCapacity, logFlushInterval, logBatchLines, shipLogs, spillDirectory, closeTimeout,
                leftoverPeriod);
    }

    public SessionOptions withMetricQueueCapacity(int capacity) {
        return new SessionOptions(master, localMetricsFile, clock, scheduler, sleeper, jitter,
                capacity, logFlushInterval, logBatchLines, shipLogs, spillDirectory, closeTimeout,
                leftoverPeriod);
    }

    public SessionOptions withSpillDirectory(Path directory) {
        return new SessionOptions(master, localMetricsFile, clock, scheduler, sleeper, jitter,
                metricQueueCapacity, logFlushInterval, logBatchLines, shipLogs, directory, closeTimeout,
                leftoverPeriod);
    }

    public SessionOptions withCloseTimeout(Duration timeout) {
        return new SessionOptions(master, localMetricsFile, clock, scheduler, sleeper, jitter,
                metricQueueCapacity, logFlushInterval, logBatchLines, shipLogs, spillDirectory, timeout,
                leftoverPeriod);
    }

    public SessionOptions withLeftoverPeriod(Duration period) {
        return new SessionOptions(master, localMetricsFile, clock, scheduler, sleeper, jitter,
                metricQueueCapacity, logFlushInterval, logBatchLines, shipLogs, spillDirectory, closeTimeout,
                period);
    }

    /** Where local metrics, the spill and (for the training job) checkpoints and the job repository live by default. */
    public static Path defaultDataDirectory() {
        return Path.of(System.getProperty("user.home"), ".local", "share", "determined-batch");
    }

    static Path defaultMetricsFile() {
        return defaultDataDirectory().resolve("metrics.jsonl");
    }

    /**
     * A key's value with an empty one kept: MicroProfile Config takes an empty value for an absent
     * one, but Determined's client takes {@code DET_PASS=} for the empty password of its default users.
     */
    static Optional<String> valueEvenIfEmpty(Config config, String key) {
        return Optional.ofNullable(config.getConfigValue(key).getValue());
    }

    /** Reads the {@code det.*} keys; see the README's configuration table. */
    public static SessionOptions fromConfig(Config config) {
        Path metricsFile = config.getOptionalValue("det.local.metrics-file", String.class)
                .map(Path::of).orElse(defaultMetricsFile());
        SessionOptions options = local(metricsFile).withMetricQueueCapacity(
                config.getOptionalValue("det.metrics.queue-capacity", Integer.class).orElse(DEFAULT_QUEUE_CAPACITY));
        Optional<Path> spill = config.getOptionalValue("det.metrics.spill-dir", String.class).map(Path::of);
        if (spill.isPresent()) {
            options = options.withSpillDirectory(spill.get());
        }
        options = options.withCloseTimeout(Duration.ofSeconds(config.getOptionalValue("det.close.timeout", Long.class)
                .orElse(DEFAULT_CLOSE_TIMEOUT.toSeconds())));
        options = options.withLeftoverPeriod(Duration.ofSeconds(config.getOptionalValue("det.leftovers.period", Long.class)
                .orElse(DEFAULT_LEFTOVER_PERIOD.toSeconds())));
        Optional<String> master = config.getOptionalValue("det.master", String.class);
        String addressKey = master.isPresent() ? "det.master (DET_MASTER)" : "det.master.addr (DET_MASTER_ADDR)";
        Optional<String> address = master.or(() -> config.getOptionalValue("det.master.addr", String.class));
        if (address.isEmpty()) {
            return options;
        }
        MasterUrl url;
        try {
            url = MasterUrl.parse(address.get());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(addressKey + ": " + e.getMessage(), e);
        }
        Credentials credentials = Credentials.resolve(
                config.getOptionalValue("det.user", String.class),
                valueEvenIfEmpty(config, "det.pass"),
                config.getOptionalValue("det.user.token", String.class));
        MasterTls tls = new MasterTls(
                config.getOptionalValue("det.master.cert.file", String.class).orElse(null),
                config.getOptionalValue("det.master.cert.name", String.class).orElse(null));
        MasterSettings settings = new MasterSettings(url, credentials, tls,
                config.getOptionalValue("det.master.timeout.connect", Integer.class).map(Duration::ofSeconds)
                        .orElse(MasterSettings.DEFAULT_CONNECT_TIMEOUT),
                config.getOptionalValue("det.master.timeout.read", Integer.class).map(Duration::ofSeconds)
                        .orElse(MasterSettings.DEFAULT_READ_TIMEOUT),
                config.getOptionalValue("det.master.retries", Integer.class).orElse(MasterSettings.DEFAULT_RETRIES),
                MasterSettings.DEFAULT_BACKOFF);
        return options.withMaster(settings);
    }
}
