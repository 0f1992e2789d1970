package dev.determinedbatch.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTests {

    private static final Backoff FIVE_TO_SIXTY = Backoff.exponential(Duration.ofSeconds(5), Duration.ofSeconds(60));

    @Test
    void withoutJitterTheWaitsGrowByTheMultiplierUpToTheMaximumAndStayThere() {
        Backoff exact = FIVE_TO_SIXTY.withRandom(Backoff.NO_JITTER);
        assertThat(IntStream.range(0, 7).mapToObj(exact::delay)).containsExactly(Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40), Duration.ofSeconds(60),
                Duration.ofSeconds(60), Duration.ofSeconds(60));
        assertThat(exact.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void theJitterTakesOffTheDrawnShareOfItsFractionAndNeverLengthensAWait() {
        Iterator<Double> draws = List.of(0.0, 0.5, 0.999999).iterator();
        Backoff drawn = FIVE_TO_SIXTY.withRandom(draws::next);
        assertThat(drawn.delay(4)).isEqualTo(Duration.ofSeconds(60));      // 0 % off
        assertThat(drawn.delay(4)).isEqualTo(Duration.ofSeconds(54));      // 0.2 × 0.5 = 10 % off
        assertThat(drawn.delay(4)).isEqualTo(Duration.ofNanos(48_000_012_000L)); // just under 20 % off

        Backoff half = FIVE_TO_SIXTY.withJitter(0.5).withMultiplier(3).withRandom(() -> 0.5);
        assertThat(half.delay(0)).isEqualTo(Duration.ofMillis(3750));
        assertThat(half.delay(1)).isEqualTo(Duration.ofMillis(11250));
        assertThat(half.delay(2)).isEqualTo(Duration.ofMillis(33750)); // 45 s, a quarter off
    }

    @Test
    void theRealRandomSourceKeepsEveryWaitWithinItsBounds() {
        for (int retry = 0; retry < 200; retry++) {
            Duration wait = FIVE_TO_SIXTY.delay(retry % 8);
            Duration base = Duration.ofSeconds(Math.min(5L << (retry % 8), 60));
            assertThat(wait).isLessThanOrEqualTo(base).isGreaterThan(base.multipliedBy(8).dividedBy(10).minusNanos(1));
        }
    }

    @Test
    void aMaximumBelowTheFirstWaitCapsEveryWait() {
        Backoff capped = FIVE_TO_SIXTY.withMax(Duration.ofSeconds(2)).withRandom(Backoff.NO_JITTER);
        assertThat(capped.delay(0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(capped.delay(3)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void nonsenseIsRefusedWithWhatWasWrong() {
        assertThatThrownBy(() -> FIVE_TO_SIXTY.withJitter(1.5)).hasMessageContaining("jitter").hasMessageContaining("1.5");
        assertThatThrownBy(() -> FIVE_TO_SIXTY.withMultiplier(0.5)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(-1), Duration.ZERO)).hasMessageContaining("negative");
        assertThatThrownBy(() -> FIVE_TO_SIXTY.delay(-1)).hasMessageContaining("from 0");
        assertThatThrownBy(() -> FIVE_TO_SIXTY.withRandom(() -> 1.0).delay(0)).hasMessageContaining("[0, 1)");
    }

    @Test
    void waitsReadAsSecondsInLogLines() {
        assertThat(Backoff.seconds(Duration.ofSeconds(5))).isEqualTo("5");
        assertThat(Backoff.seconds(Duration.ofMillis(4321))).isEqualTo("4.3");
        assertThat(FIVE_TO_SIXTY).hasToString("from 5 s ×2.0 up to 60 s, less up to 20 % at random");
    }
}
