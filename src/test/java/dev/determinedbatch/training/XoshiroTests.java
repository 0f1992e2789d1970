package dev.determinedbatch.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class XoshiroTests {

    @Test
    void matchesTheReferenceOutput() {
        // first outputs of the authors' xoshiro256starstar.c from the state {1, 2, 3, 4}
        Xoshiro256 rng = Xoshiro256.restore(new long[] {1, 2, 3, 4});
        assertThat(rng.nextLong()).isEqualTo(11520L);
        assertThat(rng.nextLong()).isEqualTo(0L);
        assertThat(rng.nextLong()).isEqualTo(1509978240L);
        assertThat(rng.nextLong()).isEqualTo(1215971899390074240L);
    }

    @Test
    void restoredStateContinuesTheSameSequence() {
        Xoshiro256 a = Xoshiro256.seeded(99);
        for (int i = 0; i < 10; i++) {
            a.nextGaussian();
        }
        Xoshiro256 b = Xoshiro256.restore(a.state());
        for (int i = 0; i < 1000; i++) {
            assertThat(b.nextLong()).isEqualTo(a.nextLong());
            assertThat(b.nextInt(37)).isEqualTo(a.nextInt(37));
            assertThat(Float.floatToRawIntBits(b.nextFloat())).isEqualTo(Float.floatToRawIntBits(a.nextFloat()));
            assertThat(Double.doubleToRawLongBits(b.nextGaussian()))
                    .isEqualTo(Double.doubleToRawLongBits(a.nextGaussian()));
        }
    }

    @Test
    void valuesStayInRangeAndCoverIt() {
        Xoshiro256 rng = Xoshiro256.seeded(5);
        int[] counts = new int[7];
        double gaussianSum = 0;
        double gaussianSquares = 0;
        int n = 70_000;
        for (int i = 0; i < n; i++) {
            counts[rng.nextInt(7)]++;
            float f = rng.nextFloat();
            assertThat(f).isGreaterThanOrEqualTo(0f).isLessThan(1f);
            double g = rng.nextGaussian();
            gaussianSum += g;
            gaussianSquares += g * g;
        }
        for (int c : counts) {
            assertThat(c).isBetween(9_500, 10_500);
        }
        assertThat(gaussianSum / n).isBetween(-0.02, 0.02);
        assertThat(gaussianSquares / n).isBetween(0.97, 1.03);
        assertThat(rng.nextInt(1)).isZero();
        assertThat(rng.nextInt(Integer.MAX_VALUE)).isNotNegative();
    }

    @Test
    void shuffleIsAPermutation() {
        int[] values = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        Xoshiro256.seeded(1).shuffle(values);
        assertThat(values).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9).isNotEqualTo(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    }

    @Test
    void refusesStatesThatCannotWork() {
        assertThatThrownBy(() -> Xoshiro256.restore(new long[4])).hasMessageContaining("all zero");
        assertThatThrownBy(() -> Xoshiro256.restore(new long[3])).hasMessageContaining("4 longs");
        assertThatThrownBy(() -> Xoshiro256.seeded(0).nextInt(0)).hasMessageContaining("bound");
        assertThat(Xoshiro256.seeded(0).state()).isNotEqualTo(new long[4]);
    }
}
