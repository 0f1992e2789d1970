package dev.determinedbatch.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.batch.support.ActiveTraining;
import dev.determinedbatch.batch.support.Trainings;
import dev.determinedbatch.batch.support.TrialRegistry;
import dev.determinedbatch.testsupport.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the application does when it stops with trainings still running: asks them to stop and
 * waits until the stop timeout after the stop began, then names each one left and what to do.
 * Time is a hand-moved clock; a "job" ends when the test releases its training.
 */
class GracefulStopTests {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final TrialRegistry registry = new TrialRegistry();
    private final ManualClock clock = new ManualClock(T0);
    private final GracefulStop stop = new GracefulStop(registry, clock, TIMEOUT);
    private final List<Long> stopRequests = new ArrayList<>();
    private final Records log = new Records();

    @AfterEach
    void closeLog() {
        log.close();
    }

    @Test
    void withNothingRunningNothingIsStoppedOrLogged() throws InterruptedException {
        stop.stopBegins();

        assertThat(stop.awaitTrainings(stopRequests::add)).isEmpty();
        assertThat(stopRequests).isEmpty();
        assertThat(log.lines).isEmpty();
    }

    @Test
    void theRunningTrainingsAreAskedToStopAndAwaited() throws InterruptedException {
        ActiveTraining five = Trainings.attach(registry, 5);
        ActiveTraining six = Trainings.attach(registry, 6);

        // each stop request ends its job at once, as a chunk boundary does
        List<ActiveTraining> left = stop.awaitTrainings(id -> {
            stopRequests.add(id);
            Trainings.release(registry, id == 5 ? five : six);
        });

        assertThat(left).isEmpty();
        assertThat(stopRequests).containsExactly(5L, 6L);
        assertThat(log.lines).noneMatch(l -> l.startsWith("SEVERE"))
                .anyMatch(l -> l.equals("INFO DETBATCH-0423 job train execution 5, job train execution 6 ended before the application"
                        + " stopped"));
    }

    @Test
    void aTrainingThatDoesNotEndInTimeIsNamedWithWhatToDo() throws InterruptedException {
        Trainings.attach(registry, 5);

        // the stop request is taken, but the job does not end before the deadline
        List<ActiveTraining> left = stop.awaitTrainings(id -> {
            stopRequests.add(id);
            clock.advance(TIMEOUT);
        });

        assertThat(left).extracting(t -> t.job().executionId()).containsExactly(5L);
        assertThat(stopRequests).containsExactly(5L);
        assertThat(log.severe()).singleElement().asString()
                .contains("job train execution 5 (trial tests/5) did not end within determined.batch.stop.timeout"
                        + " (30 s)")
                .contains("marks it FAILED (crash recovery)")
                .contains("POST /api/jobexecutions/5/restart");
    }

    @Test
    void afterSigtermTheWaitEndsTheTimeoutAfterTheSignalNotAfterTheApplicationStop() throws InterruptedException {
        Trainings.attach(registry, 5);
        stop.stopBegins();
        assertThat(log.lines).containsExactly("INFO DETBATCH-0420 the server stops; waiting up to 30 s (determined.batch.stop.timeout)"
                + " for job train execution 5 to end at a chunk boundary");
        assertThat(stop.deadline()).isEqualTo(T0.plus(TIMEOUT));

        // WildFly's suspend waited its full time (plus half a second) before the application stops
        clock.advance(TIMEOUT.plusMillis(500));
        List<ActiveTraining> left = stop.awaitTrainings(stopRequests::add);

        assertThat(left).extracting(t -> t.job().executionId()).containsExactly(5L);
        assertThat(stopRequests).as("no second wait: the timeout is spent").isEmpty();
        assertThat(log.severe()).singleElement().asString().contains("execution 5");
    }

    @Test
    void anApplicationStoppedWithoutSigtermWaitsTheTimeoutFromNow() {
        clock.advance(Duration.ofMinutes(5));

        assertThat(stop.deadline()).isEqualTo(T0.plus(Duration.ofMinutes(5)).plus(TIMEOUT));
    }

    @Test
    void aNegativeTimeoutWaitsWithoutBound() {
        assertThat(GracefulStop.timeout(-1)).isNull();
        assertThat(new GracefulStop(registry, clock, GracefulStop.timeout(-1)).deadline()).isEqualTo(Instant.MAX);
        assertThat(GracefulStop.timeout(0)).isZero();
    }

    @Test
    void aStopRequestThatFailsStillLeavesTheTrainingAwaited() throws InterruptedException {
        ActiveTraining five = Trainings.attach(registry, 5);

        List<ActiveTraining> left = stop.awaitTrainings(id -> {
            // it ended meanwhile: JBeret refuses to stop an execution that is no longer running
            Trainings.release(registry, five);
            throw new IllegalStateException("execution 5 is not running");
        });

        assertThat(left).isEmpty();
        assertThat(log.severe()).isEmpty();
    }

    /** The records GracefulStop's logger publishes, formatted. */
    private static final class Records extends Handler {

        private final Logger logger = Logger.getLogger(GracefulStop.class.getName());
        private final List<String> lines = new CopyOnWriteArrayList<>();

        Records() {
            logger.addHandler(this);
        }

        List<String> severe() {
            return lines.stream().filter(l -> l.startsWith("SEVERE")).toList();
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() < Level.INFO.intValue()) {
                return;
            }
            Object[] parameters = record.getParameters();
            String message = parameters == null || parameters.length == 0 ? record.getMessage()
                    : java.text.MessageFormat.format(record.getMessage(), parameters);
            lines.add(record.getLevel().getName() + " " + message);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
