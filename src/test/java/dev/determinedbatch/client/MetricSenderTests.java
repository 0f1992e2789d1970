package dev.determinedbatch.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.MetricReport;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricSenderTests {

    private final RecordingBackend backend = new RecordingBackend();

    @Test
    void deliversEveryReportInOrder() {
        try (MetricSender sender = new MetricSender(backend, 4, "test-sender")) {
            for (int step = 1; step <= 50; step++) {
                sender.report(new MetricReport("training", step, Map.of("loss", 1.0 / step), null));
                if (step % 10 == 0) {
                    sender.progress(step / 50.0);
                }
            }
            sender.flush();
        }
        assertThat(backend.reports).extracting(MetricReport::stepsCompleted)
                .containsExactly(java.util.stream.LongStream.rangeClosed(1, 50).boxed().toArray(Long[]::new));
        assertThat(backend.calls).containsSubsequence("metrics training 10", "progress 0.2", "metrics training 11");
    }

    @Test
    void callerDoesNotWaitForTheNetworkUntilTheQueueIsFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inFlight = new CountDownLatch(1);
        backend.onReport = report -> {
            inFlight.countDown();
            await(release);
        };
        try (MetricSender sender = new MetricSender(backend, 3, "test-sender")) {
            sender.report(report(1));
            assertThat(inFlight.await(10, TimeUnit.SECONDS)).isTrue();
            // the first is held on the network; three more fit in the queue without blocking
            sender.report(report(2));
            sender.report(report(3));
            sender.report(report(4));
            Thread blocked = new Thread(() -> sender.report(report(5)));
            blocked.start();
            awaitState(blocked, Thread.State.WAITING);
            assertThat(backend.reports).isEmpty();
            release.countDown();
            blocked.join(10_000);
            sender.flush();
        }
        assertThat(backend.reports).hasSize(5);
    }

    @Test
    void aFailedSendReachesTheCallerOnItsNextReportAndNothingAfterIsLost() {
        backend.onReport = report -> {
            if (report.stepsCompleted() == 2) {
                throw new DeterminedException("HTTP 500 from the master");
            }
        };
        try (MetricSender sender = new MetricSender(backend, 10, "test-sender")) {
            sender.report(report(1));
            sender.report(report(2));
            sender.report(report(3));
            assertThatThrownBy(sender::flush).isInstanceOf(DeterminedException.class)
                    .hasMessageContaining("an earlier metrics report failed").hasMessageContaining("HTTP 500");
            sender.flush(); // reported once, then cleared
        }
        assertThat(backend.reports).extracting(MetricReport::stepsCompleted).containsExactly(1L, 3L);
    }

    private static MetricReport report(long step) {
        return new MetricReport("training", step, Map.of("loss", 0.5), null);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Polls a thread's state (no sleeping on time: yields until the state is reached). */
    static void awaitState(Thread thread, Thread.State state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != state) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(thread.getName() + " never reached " + state + ", is " + thread.getState());
            }
            Thread.onSpinWait();
        }
    }
}
