package dev.determinedbatch.client.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.client.ManualScheduler;
import dev.determinedbatch.client.RecordingBackend;
import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.MetricReport;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.time.Backoff;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportSenderTests {

    /** A failure the sender takes for an outage. */
    static final class Down extends DeterminedException {
        Down() {
            super("master unreachable (test)");
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }

    @TempDir
    Path spillDir;
    private final RecordingBackend backend = new RecordingBackend();
    private final ManualScheduler time = new ManualScheduler();

    @Test
    void deliversEveryReportInOrder() throws IOException {
        ReportSender sender = sender(4);
        for (int step = 1; step <= 50; step++) {
            sender.report(report(step));
            if (step % 10 == 0) {
                sender.report(new Report.Progress(2, step / 50.0));
            }
        }
        sender.flush();
        assertThat(sender.close(Duration.ofSeconds(10))).isZero();
        assertThat(backend.reports).extracting(MetricReport::stepsCompleted)
                .containsExactly(LongStream.rangeClosed(1, 50).boxed().toArray(Long[]::new));
        assertThat(backend.calls).containsSubsequence("metrics training 10", "progress 0.2", "metrics training 11");
        assertThat(spillFile()).doesNotExist();
    }

    @Test
    void aFullQueueSpillsInsteadOfMakingTheCallerWait() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inFlight = new CountDownLatch(1);
        backend.onReport = report -> {
            inFlight.countDown();
            await(release);
        };
        ReportSender sender = sender(3);
        sender.report(report(1));
        assertThat(inFlight.await(10, TimeUnit.SECONDS)).isTrue();
        // the first is held on the network; three fit in memory, the rest go to the file at once
        for (int step = 2; step <= 10; step++) {
            sender.report(report(step));
        }
        assertThat(backend.reports).isEmpty();
        assertThat(ReportSpill.readAll(spillFile())).hasSize(10); // the one in flight first, in case it fails
        release.countDown();
        sender.flush();
        assertThat(backend.reports).extracting(MetricReport::stepsCompleted)
                .containsExactly(LongStream.rangeClosed(1, 10).boxed().toArray(Long[]::new));
        assertThat(spillFile()).doesNotExist();
        assertThat(sender.close(Duration.ofSeconds(10))).isZero();
    }

    @Test
    void aRefusalReachesTheCallerOnItsNextReportWithGroupAndStepAndNothingAfterIsLost() {
        // the refusal waits until all three reports are made, so that it reaches flush, not report(3)
        CountDownLatch allMade = new CountDownLatch(1);
        backend.onReport = report -> {
            if (report.stepsCompleted() == 2) {
                await(allMade);
                throw new DeterminedException("HTTP 400 from the master");
            }
        };
        ReportSender sender = sender(10);
        sender.report(report(1));
        sender.report(report(2));
        sender.report(report(3));
        allMade.countDown();
        assertThatThrownBy(sender::flush).isInstanceOf(DeterminedException.class)
                .hasMessageContaining("an earlier metrics report failed (training metrics at step 2 of run 1)")
                .hasMessageContaining("HTTP 400");
        sender.flush(); // reported once, then cleared
        sender.close(Duration.ofSeconds(10));
        assertThat(backend.reports).extracting(MetricReport::stepsCompleted).containsExactly(1L, 3L);
    }

    @Test
    void duringAnOutageReportsWaitInTheSpillAndGoOutInOrderWhenTheRetryFallsDue() throws IOException {
        backend.deliveryFailure = new Down();
        ReportSender sender = sender(100);
        for (int step = 1; step <= 5; step++) {
            sender.report(report(step));
        }
        sender.flush(); // returns: the reports are kept, the master being unreachable
        assertThat(ReportSpill.readAll(spillFile())).hasSize(5);
        sender.report(report(6)); // straight to the file while the master is unreachable
        assertThat(ReportSpill.readAll(spillFile())).hasSize(6);
        assertThat(time.pending()).isEqualTo(1);

        backend.deliveryFailure = null;
        time.advance(ReportSender.RETRY.initial());
        assertThat(sender.close(Duration.ofSeconds(10))).isZero();
        assertThat(backend.reports).extracting(MetricReport::stepsCompleted).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        // the first was tried during the outage: its answer may have been lost, so it goes as a retry
        assertThat(backend.deliveredAsRetry).extracting(r -> ((Report.Metrics) r).metrics().stepsCompleted())
                .containsExactly(1L);
        assertThat(spillFile()).doesNotExist();
    }

    @Test
    void anOutageIsTriedAgainAsTheBackoffSaysAndFromItsFirstWaitOnceAReportGotThrough() throws Exception {
        backend.deliveryFailure = new Down();
        CountDownLatch delivered = new CountDownLatch(1);
        backend.onReport = report -> delivered.countDown();
        // every wait 10 % short: the jitter's largest share (a fifth) times the drawn 0.5
        ReportSender sender = new ReportSender(backend, new ReportQueue(new ReportSpill(spillFile()), 10), time,
                ReportSender.RETRY.withRandom(() -> 0.5), "test-sender");
        sender.report(report(1));
        List<Duration> waits = time.awaitScheduled(1);
        for (int tries = 1; tries < 7; tries++) {
            time.advance(waits.get(tries - 1));
            waits = time.awaitScheduled(tries + 1);
        }
        assertThat(waits).containsExactly(Duration.ofMillis(4500), Duration.ofSeconds(9), Duration.ofSeconds(18),
                Duration.ofSeconds(36), Duration.ofSeconds(54), Duration.ofSeconds(54), Duration.ofSeconds(54));

        backend.deliveryFailure = null;
        time.advance(waits.get(6));
        assertThat(delivered.await(10, TimeUnit.SECONDS)).isTrue();
        backend.deliveryFailure = new Down();
        sender.report(report(2));
        assertThat(time.awaitScheduled(8)).last().isEqualTo(Duration.ofMillis(4500));
        assertThat(sender.close(Duration.ZERO)).isEqualTo(1);
    }

    @Test
    void closeLeavesWhatItCannotDeliverInTheSpillInOrder() throws IOException {
        backend.deliveryFailure = new Down();
        ReportSender sender = sender(100);
        for (int step = 1; step <= 3; step++) {
            sender.report(report(step));
        }
        assertThat(sender.close(Duration.ZERO)).isEqualTo(3);
        List<String> left = ReportSpill.readAll(spillFile());
        assertThat(left).extracting(line -> ((Report.Metrics) ReportLines.read(line).report()).metrics().stepsCompleted())
                .containsExactly(1L, 2L, 3L);
        assertThatThrownBy(() -> sender.report(report(4))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    private ReportSender sender(int capacity) {
        try {
            return new ReportSender(backend, new ReportQueue(new ReportSpill(spillFile()), capacity), time,
                    ReportSender.RETRY.withRandom(Backoff.NO_JITTER), "test-sender");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Path spillFile() {
        return spillDir.resolve("trial.jsonl");
    }

    private static Report report(long step) {
        return new Report.Metrics(2, 1, new MetricReport("training", step, Map.of("loss", 0.5), null));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
