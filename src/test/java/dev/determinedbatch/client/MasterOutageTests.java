package dev.determinedbatch.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.delivery.ReportSender;
import dev.determinedbatch.client.delivery.ReportSpill;
import dev.determinedbatch.client.master.Credentials;
import dev.determinedbatch.client.master.MasterApi;
import dev.determinedbatch.client.master.MasterConnection;
import dev.determinedbatch.client.master.MasterSettings;
import dev.determinedbatch.standin.RecordedRequest;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.storage.StoredCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training goes on through master outages: in each scenario every report made reaches the
 * master exactly once, in the order it was made, and the trial ends COMPLETED. Time moves only
 * when a test says so (the connection's waits through the Sleeper, the sender's through the
 * manual scheduler).
 */
class MasterOutageTests {

    @TempDir
    Path checkpointDir;
    @TempDir
    Path spillDir;
    @AutoClose
    private final StandInMaster master = StandInMaster.start();
    private final ManualScheduler time = new ManualScheduler();
    private final List<String> made = new ArrayList<>();

    @Test
    void a503WindowShorterThanTheConnectionsRetriesIsBridgedWithoutSpilling() throws IOException {
        AtomicInteger waits = new AtomicInteger();
        long trialId;
        try (TrialSession session = TrialSession.init(spec(), options(duration -> {
            if (waits.incrementAndGet() == 3) {
                master.faults().endOutage();
            }
        }))) {
            trialId = session.info().trialId();
            master.faults().beginOutage();
            train(session, 1, 20);
            session.metrics().flush();
            assertThat(waits).hasValue(3);
            assertThat(spillFiles()).isEmpty();
        }
        assertDeliveredInOrderAndCompleted(trialId);
    }

    @Test
    void theConnectionWaitsBetweenItsRetriesAsItsBackoffSaysUpToItsMaximum() {
        List<Duration> waits = new ArrayList<>();
        master.faults().beginOutage();
        MasterSettings patient = settings().withRetries(8, MasterSettings.DEFAULT_BACKOFF);
        // every wait 5 % short: the jitter's largest share (a fifth) times the drawn 0.25
        try (MasterConnection connection = MasterConnection.open(patient, waits::add, () -> 0.25)) {
            assertThatThrownBy(() -> connection.call("GET /api/v1/master", MasterApi::masterInfo))
                    .isInstanceOf(DeterminedException.class).hasMessageContaining("503");
        }
        assertThat(waits).containsExactly(Duration.ofMillis(475), Duration.ofMillis(950), Duration.ofMillis(1900),
                Duration.ofMillis(3800), Duration.ofMillis(7600), Duration.ofMillis(15200), Duration.ofMillis(28500),
                Duration.ofMillis(28500));
    }

    @Test
    void aLongOutageKeepsReportsInTheSpillAndTheyArriveInOrderOnceTheMasterIsBack() throws IOException {
        long trialId;
        StoredCheckpoint stored;
        try (TrialSession session = TrialSession.init(spec(), options(duration -> { }))) {
            trialId = session.info().trialId();
            train(session, 1, 5);
            session.metrics().flush();

            master.faults().beginOutage();
            train(session, 6, 30);
            session.metrics().reportProgress(0.75);
            session.metrics().flush(); // returns: all kept on disk while the master answers 503
            assertThat(spillFiles()).singleElement().satisfies(spill ->
                    assertThat(ReportSpill.readAll(spill)).hasSize(made.size() - 5 + 1));
            stored = StandInSessions.store(session, 30); // does not throw: stored, its report waits
            assertThat(master.state().checkpoints()).isEmpty();
            train(session, 31, 40);

            master.faults().endOutage();
            time.advance(ReportSender.RETRY.max()); // the sender's next try falls due
        }
        assertDeliveredInOrderAndCompleted(trialId);
        assertThat(master.state().checkpoints()).extracting(c -> c.uuid()).containsExactly(stored.uuid());
        List<String> taken = DeliveredReports.taken(master);
        assertThat(taken.indexOf("checkpoint " + stored.uuid()))
                .isEqualTo(taken.indexOf("validation 30 (run 1)") + 1);
        assertThat(spillFiles()).isEmpty();
    }

    @Test
    void refusedConnectionsThenBack() throws IOException {
        long trialId;
        StoredCheckpoint stored;
        try (TrialSession session = TrialSession.init(spec(), options(duration -> { }))) {
            trialId = session.info().trialId();
            train(session, 1, 10);
            master.faults().refuseConnections();
            train(session, 11, 25);
            session.metrics().flush();
            stored = StandInSessions.store(session, 25);
            train(session, 26, 30);

            master.faults().acceptConnections();
            time.advance(ReportSender.RETRY.max());
        }
        assertDeliveredInOrderAndCompleted(trialId);
        assertThat(master.state().checkpoints()).extracting(c -> c.uuid()).containsExactly(stored.uuid());
    }

    @Test
    void answersSlowerThanTheReadTimeoutAreRetriedAndStoredOnce() throws IOException {
        MasterSettings impatient = settings().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(200));
        SessionOptions options = SessionOptions.master(impatient)
                // the timed-out request is let through before the retry, so nothing waits longer than needed
                .withTime(time, time, duration -> master.faults().releaseDelays()).withSpillDirectory(spillDir);
        long trialId;
        try (TrialSession session = TrialSession.init(spec(), options)) {
            trialId = session.info().trialId();
            master.faults().delay("POST", ".*/metrics", Duration.ofMinutes(1));
            train(session, 1, 10);
            session.metrics().flush();
        }
        assertDeliveredInOrderAndCompleted(trialId);
        // the first post timed out at the client and was sent again; the master holds it once
        assertThat(master.requests()).filteredOn(r -> r.path().endsWith("/metrics")).hasSizeGreaterThan(made.size());
    }

    @Test
    void anExpiredTokenMidRunIsRenewedAndNothingIsLost() throws IOException {
        master.addUser("determined", "pw");
        SessionOptions options = SessionOptions.master(MasterSettings.of(master.url(), Credentials.password("determined", "pw")))
                .withTime(time, time, duration -> { }).withSpillDirectory(spillDir);
        long trialId;
        try (TrialSession session = TrialSession.init(spec(), options)) {
            trialId = session.info().trialId();
            train(session, 1, 10);
            session.metrics().flush();
            master.faults().expireTokens();
            train(session, 11, 20);
            StandInSessions.store(session, 20);
        }
        assertDeliveredInOrderAndCompleted(trialId);
        assertThat(master.requests()).filteredOn(r -> r.path().equals("/api/v1/auth/login")).hasSize(2);
        assertThat(master.requests()).filteredOn(r -> r.status() == 401).extracting(RecordedRequest::path)
                .singleElement().asString().endsWith("/metrics");
    }

    @Test
    void aRefusalIsStillThrownAtTheCallerWithTheReportsGroupAndStep() throws IOException {
        long trialId;
        try (TrialSession session = TrialSession.init(spec(), options(duration -> { }))) {
            trialId = session.info().trialId();
            session.metrics().reportTrainingMetrics(1, Map.of("loss", 1.0));
            session.metrics().flush();
            master.faults().failNext(1, "POST", ".*/metrics", 400);
            session.metrics().reportValidationMetrics(2, Map.of("loss", 0.5));
            assertThatThrownBy(session.metrics()::flush).isInstanceOf(DeterminedException.class)
                    .hasMessageContaining("an earlier metrics report failed (validation metrics at step 2 of run 1)")
                    .hasMessageContaining("HTTP 400");
            session.metrics().reportTrainingMetrics(3, Map.of("loss", 0.25));
        }
        assertThat(DeliveredReports.rows(master, trialId)).containsExactly("training 1 (run 1)", "training 3 (run 1)");
        assertThat(spillFiles()).isEmpty();
    }

    /** Training metrics every step, validation every 15th, as the training job reports them. */
    private void train(TrialSession session, int from, int to) {
        for (int step = from; step <= to; step++) {
            session.metrics().reportTrainingMetrics(step, Map.of("loss", 1.0 / step));
            made.add("training " + step + " (run 1)");
            if (step % 15 == 0) {
                session.metrics().reportValidationMetrics(step, Map.of("accuracy", step / 100.0));
                made.add("validation " + step + " (run 1)");
            }
        }
    }

    private void assertDeliveredInOrderAndCompleted(long trialId) {
        assertThat(DeliveredReports.rows(master, trialId)).containsExactlyElementsOf(made);
        assertThat(master.state().trial(trialId).state()).isEqualTo("STATE_COMPLETED");
    }

    /** The spill files, without the lock file an open session holds beside its own. */
    private List<Path> spillFiles() throws IOException {
        return StandInSessions.filesUnder(spillDir).stream().filter(f -> !f.toString().endsWith(".lock")).toList();
    }

    private TrialSpec spec() throws IOException {
        return StandInSessions.spec(checkpointDir, "outage", "trial");
    }

    private MasterSettings settings() {
        return StandInSessions.settings(master);
    }

    private SessionOptions options(MasterConnection.Sleeper sleeper) {
        return SessionOptions.master(settings()).withTime(time, time, sleeper).withSpillDirectory(spillDir);
    }
}
