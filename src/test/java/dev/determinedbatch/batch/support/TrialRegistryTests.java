package dev.determinedbatch.batch.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.testsupport.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One execution per trial, and the wait for running trainings to be released that a graceful
 * stop does: bounded by an injected clock, woken by each release, never sleeping.
 */
class TrialRegistryTests {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final TrialRegistry registry = new TrialRegistry();
    private final ManualClock clock = new ManualClock(T0);

    @Test
    void aSecondExecutionOfARunningTrialIsRefusedNamingTheFirst() {
        ActiveTraining first = Trainings.attach(registry, 5);

        assertThatThrownBy(() -> registry.claim(first.parameters().trial(), 6))
                .hasMessageContaining("already being trained by job execution 5");
        Trainings.release(registry, first);
        registry.claim(first.parameters().trial(), 6);
    }

    @Test
    void withNothingRunningTheWaitReturnsAtOnce() throws InterruptedException {
        assertThat(registry.awaitReleased(T0.plusSeconds(30), clock)).isEmpty();
    }

    @Test
    void theWaitEndsWhenTheLastTrainingIsReleased() throws Exception {
        ActiveTraining five = Trainings.attach(registry, 5);
        ActiveTraining six = Trainings.attach(registry, 6);
        CompletableFuture<List<ActiveTraining>> waiting = waitUntil(T0.plusSeconds(30));

        Trainings.release(registry, six);
        Trainings.release(registry, five);

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(registry.trainings()).isEmpty();
    }

    @Test
    void aDeadlineAlreadyPassedReturnsTheRunningTrainingsWithoutWaiting() throws InterruptedException {
        Trainings.attach(registry, 6);
        Trainings.attach(registry, 5);
        clock.advance(Duration.ofSeconds(31));

        assertThat(registry.awaitReleased(T0.plusSeconds(30), clock)).extracting(t -> t.job().executionId())
                .containsExactly(5L, 6L);
    }

    @Test
    void whenTheClockPassesTheDeadlineTheWaitReturnsTheTrainingsLeft() throws Exception {
        Trainings.attach(registry, 5);
        ActiveTraining six = Trainings.attach(registry, 6);
        CompletableFuture<List<ActiveTraining>> waiting = waitUntil(T0.plusSeconds(30));

        clock.advance(Duration.ofSeconds(30));
        // a release wakes the wait, which then reads the clock: time is up, 5 still runs
        Trainings.release(registry, six);

        assertThat(waiting.get(10, TimeUnit.SECONDS)).extracting(t -> t.job().executionId()).containsExactly(5L);
    }

    @Test
    void anUnboundedWaitEndsWithTheLastRelease() throws Exception {
        ActiveTraining five = Trainings.attach(registry, 5);
        CompletableFuture<List<ActiveTraining>> waiting = waitUntil(Instant.MAX);

        Trainings.release(registry, five);

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEmpty();
    }

    private CompletableFuture<List<ActiveTraining>> waitUntil(Instant deadline) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return registry.awaitReleased(deadline, clock);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }
}
