package dev.determinedbatch.training;

import java.util.Arrays;

/**
 * xoshiro256** (Blackman and Vigna), seeded through SplitMix64. Written here rather than using
 * {@link java.util.Random} because its whole state is four longs that can be saved and restored,
 * and because its output is fixed by the algorithm, not by a JDK version.
 */
public final class Xoshiro256 {

    private long s0;
    private long s1;
    private long s2;
    private long s3;

    private Xoshiro256(long[] state) {
        if (state.length != 4) {
            throw new IllegalArgumentException("xoshiro256 state needs 4 longs, got " + state.length);
        }
        if ((state[0] | state[1] | state[2] | state[3]) == 0) {
            // the all-zero state is a fixed point: the generator would return 0 forever
            throw new IllegalArgumentException("xoshiro256 state must not be all zero");
        }
        s0 = state[0];
        s1 = state[1];
        s2 = state[2];
        s3 = state[3];
    }

    /** A generator whose state is spread from {@code seed} by SplitMix64, as the authors advise. */
    public static Xoshiro256 seeded(long seed) {
        long[] state = new long[4];
        long x = seed;
        for (int i = 0; i < 4; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            state[i] = z ^ (z >>> 31);
        }
        return new Xoshiro256(state);
    }

    /** Continues exactly where the generator that gave {@code state} was. */
    public static Xoshiro256 restore(long[] state) {
        return new Xoshiro256(state.clone());
    }

    /** A copy of the four state words. */
    public long[] state() {
        return new long[] {s0, s1, s2, s3};
    }

    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /**
     * Uniform in [0, bound) without modulo bias: Lemire's multiply-shift, rejecting the few low
     * products that would make some results more likely.
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long product = (nextLong() >>> 32) * bound;
        long low = product & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                product = (nextLong() >>> 32) * bound;
                low = product & 0xFFFFFFFFL;
            }
        }
        return (int) (product >>> 32);
    }

    /** Uniform in [0, 1), 24 random bits: every float of the form k / 2^24. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1), 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * Standard normal by Box-Muller, using one of the pair and dropping the other, so there is no
     * spare value to save. StrictMath keeps the result identical on every JVM and CPU.
     */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]: log stays finite
        double u2 = nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /** Fisher-Yates: every permutation equally likely. */
    public void shuffle(int[] values) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    @Override
    public String toString() {
        return "Xoshiro256" + Arrays.toString(state());
    }
}
