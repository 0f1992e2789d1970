package dev.determinedbatch.time;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The waits between tries of something that failed for now: {@code initial}, growing by
 * {@code multiplier} each retry up to {@code max}, each shortened by a random share of at most
 * {@code jitter}, so that clients which lost the master together do not all come back in the
 * same instant. The jitter only shortens a wait: none is ever longer than {@code max}, so a test
 * that lets {@code max} pass sees the retry. The random source is injected; tests give one that
 * answers 0 (no jitter) or a fixed value, and know every wait.
 */
public final class Backoff {

    /** Uniform in [0, 1), on the calling thread. */
    public static final DoubleSupplier RANDOM = () -> ThreadLocalRandom.current().nextDouble();
    /** No wait shortened: the waits of a backoff without jitter. */
    public static final DoubleSupplier NO_JITTER = () -> 0;
    /** Up to a fifth of each wait is taken off at random. */
    public static final double DEFAULT_JITTER = 0.2;

    private final Duration initial;
    private final Duration max;
    private final double multiplier;
    private final double jitter;
    private final DoubleSupplier random;

    private Backoff(Duration initial, Duration max, double multiplier, double jitter, DoubleSupplier random) {
        if (initial.isNegative() || max.isNegative()) {
            throw new IllegalArgumentException("backoff waits must not be negative, got " + initial + " and " + max);
        }
        if (!(multiplier >= 1)) {
            throw new IllegalArgumentException("a backoff's multiplier must be at least 1, got " + multiplier);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("a backoff's jitter is a share of the wait in [0, 1], got " + jitter);
        }
        this.initial = initial;
        this.max = max;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.random = random;
    }

    /** From {@code initial} doubling up to {@code max}, with {@link #DEFAULT_JITTER} drawn from {@link #RANDOM}. */
    public static Backoff exponential(Duration initial, Duration max) {
        return new Backoff(initial, max, 2, DEFAULT_JITTER, RANDOM);
    }

    public Backoff withMultiplier(double multiplier) {
        return new Backoff(initial, max, multiplier, jitter, random);
    }

    /** @param jitter the largest share of a wait taken off at random, 0 (none) to 1 */
    public Backoff withJitter(double jitter) {
        return new Backoff(initial, max, multiplier, jitter, random);
    }

    /** @param random draws each wait's random share, in [0, 1) */
    public Backoff withRandom(DoubleSupplier random) {
        return new Backoff(initial, max, multiplier, jitter, random);
    }

    /** The same, with no wait longer than {@code max} (nor than {@code initial}, if that is longer). */
    public Backoff withMax(Duration max) {
        return new Backoff(initial, max, multiplier, jitter, random);
    }

    public Duration initial() {
        return initial;
    }

    public Duration max() {
        return max;
    }

    /**
     * The wait before retry {@code retry}: 0 for the first retry after a failure, 1 for the next.
     * {@code min(initial × multiplier^retry, max) × (1 − jitter × r)}, r drawn from the random
     * source.
     */
    public Duration delay(int retry) {
        if (retry < 0) {
            throw new IllegalArgumentException("retries count from 0, got " + retry);
        }
        double r = random.getAsDouble();
        if (!(r >= 0 && r < 1)) {
            throw new IllegalStateException("a backoff's random source must answer in [0, 1), got " + r);
        }
        double grown = initial.toNanos() * Math.pow(multiplier, retry);
        double base = Math.min(grown, max.toNanos());
        return Duration.ofNanos(Math.round(base * (1 - jitter * r)));
    }

    /** A wait for a log line: whole seconds as {@code 5}, others to a tenth, {@code 4.3}. */
    public static String seconds(Duration wait) {
        long millis = wait.toMillis();
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    @Override
    public String toString() {
        return "from " + seconds(initial) + " s ×" + multiplier + " up to " + seconds(max) + " s, less up to "
                + Math.round(jitter * 100) + " % at random";
    }
}
