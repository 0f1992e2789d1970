package dev.determinedbatch.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.client.delivery.LeftoverReports;
import dev.determinedbatch.client.delivery.ReportSender;
import dev.determinedbatch.client.delivery.ReportSpill;
import dev.determinedbatch.client.delivery.SpillClaim;
import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.standin.RecordedRequest;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.storage.StoredCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A session closed during a master outage longer than {@code det.close.timeout} leaves its
 * reports and the trial's final state in the spill; the master shows the trial RUNNING. Once the
 * master answers, the courier delivers the reports in order, then the state, as close would have,
 * and removes the file. It never touches the file of an open session, and it and a new session
 * of the trial never deliver the same file at once. Time moves only when a test says so.
 */
class LeftoverCourierTests {

    private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(300);
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path checkpointDir;
    @TempDir
    Path spillDir;
    @TempDir
    Path otherSpillDir;
    @AutoClose
    private final StandInMaster master = StandInMaster.start();
    private final ManualScheduler time = new ManualScheduler();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        master.faults().clear();
        threads.shutdownNow();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = TrialState.class, names = {"COMPLETED", "ERROR", "PAUSED"})
    void aTrialClosedInALongOutageStaysRunningUntilTheCourierDeliversItsReportsThenItsState(TrialState ending)
            throws IOException {
        TrialSession first = TrialSession.init(spec(), options(spillDir));
        long trialId = first.info().trialId();
        StandInSessions.reportTraining(first, 1, 5);
        first.metrics().flush();
        master.faults().refuseConnections();
        StandInSessions.reportTraining(first, 6, 10);
        StoredCheckpoint stored = StandInSessions.store(first, 10);
        first.metrics().reportValidationMetrics(10, Map.of("accuracy", 0.5));
        first.close(ending, ending == TrialState.ERROR ? new IllegalStateException("diverged") : null);
        Path spill = spillFiles(spillDir).get(0);

        try (LeftoverCourier courier = LeftoverCourier.start(options(spillDir))) {
            List<String> warnings;
            try (CapturedLog log = CapturedLog.of(LeftoverCourier.class)) {
                time.advance(Duration.ZERO); // its first look, the master still down
                warnings = log.warnings();
            }
            assertThat(warnings).singleElement().asString().contains("the leftovers of closed sessions in "
                    + spillDir.toAbsolutePath() + " (1 file) cannot be delivered yet: the master is unreachable",
                    "next try in 5 s");
            master.faults().acceptConnections();
            // until someone delivers, the master never learns how the run ended
            assertThat(master.state().trial(trialId).state()).isEqualTo("STATE_RUNNING");
            time.advance(ReportSender.RETRY.initial().minusMillis(1));
            assertThat(master.state().trial(trialId).state()).isEqualTo("STATE_RUNNING");
            int before = master.requests().size();

            List<String> infos;
            try (CapturedLog log = CapturedLog.of(LeftoverCourier.class)) {
                time.advance(Duration.ofMillis(1));
                infos = log.all();
            }
            assertThat(infos).singleElement().asString().startsWith("INFO DETBATCH-0132 trial " + trialId + ": delivered 6 metric"
                    + " reports (training of run 1: 5 at steps 6-10; validation of run 1: 1 at steps 10-10), 1 checkpoint"
                    + " report (" + stored.uuid() + " (steps_completed 10)), final state " + ending.wireName()
                    + " of run 1, left in " + spill);
            assertThat(DeliveredReports.rows(master, trialId)).containsExactly(
                    "training 1 (run 1)", "training 2 (run 1)", "training 3 (run 1)", "training 4 (run 1)",
                    "training 5 (run 1)", "training 6 (run 1)", "training 7 (run 1)", "training 8 (run 1)",
                    "training 9 (run 1)", "training 10 (run 1)", "validation 10 (run 1)");
            assertThat(master.state().checkpoints(trialId)).extracting(c -> c.uuid()).containsExactly(stored.uuid());
            // the reports in their order, then exactly the PATCH close would have sent, last
            List<RecordedRequest> delivery = master.requests().subList(before, master.requests().size());
            assertThat(delivery).filteredOn(r -> r.path().endsWith("/metrics") || r.path().endsWith("/checkpoints")
                            || r.method().equals("PATCH"))
                    .extracting(r -> r.method() + " " + r.path())
                    .containsExactly(Stream.concat(Stream.concat(
                            IntStream.rangeClosed(6, 10).mapToObj(step -> "POST /api/v1/trials/" + trialId + "/metrics"),
                            Stream.of("POST /api/v1/checkpoints", "POST /api/v1/trials/" + trialId + "/metrics")),
                            Stream.of("PATCH /api/v1/trials/" + trialId)).toArray(String[]::new));
            RecordedRequest patch = delivery.get(delivery.size() - 1);
            assertThat(JsonText.readJsonObject(patch.body()))
                    .isEqualTo(Map.of("trialId", trialId, "state", ending.wireName()));
            assertThat(patch.status()).isEqualTo(200);
            assertThat(master.state().trial(trialId).state()).isEqualTo(ending.wireName());
            assertThat(StandInSessions.filesUnder(spillDir)).isEmpty();

            // nothing left: later looks send nothing
            int delivered = master.requests().size();
            time.advance(SessionOptions.DEFAULT_LEFTOVER_PERIOD.multipliedBy(3));
            assertThat(master.requests()).hasSize(delivered);
        }

        // the same trial started again: nothing is delivered twice, its run resumes from the leftover checkpoint
        try (TrialSession second = TrialSession.init(spec(), options(spillDir))) {
            assertThat(second.info().trialRunId()).isEqualTo(2);
            assertThat(second.info().latestCheckpoint()).isEqualTo(stored.uuid());
            StandInSessions.reportTraining(second, 11, 12);
        }
        assertThat(metricPosts()).containsExactly("training 1 (run 1)", "training 2 (run 1)", "training 3 (run 1)",
                "training 4 (run 1)", "training 5 (run 1)", "training 6 (run 1)", "training 7 (run 1)",
                "training 8 (run 1)", "training 9 (run 1)", "training 10 (run 1)", "validation 10 (run 1)",
                "training 11 (run 2)", "training 12 (run 2)");
        assertThat(master.requests()).filteredOn(r -> r.path().equals("/api/v1/checkpoints")).hasSize(1);
        assertThat(master.state().trial(trialId).state()).isEqualTo("STATE_COMPLETED");
    }

    @Test
    void theSpillOfAnOpenSessionIsLeftToThatSession() throws IOException {
        TrialSession open = TrialSession.init(spec(), options(spillDir));
        long trialId = open.info().trialId();
        StandInSessions.reportTraining(open, 1, 3);
        open.metrics().flush();
        master.faults().refuseConnections();
        StandInSessions.reportTraining(open, 4, 6);
        open.metrics().flush(); // kept in the spill
        master.faults().acceptConnections();
        Path spill = spillFiles(spillDir).get(0);
        int before = master.requests().size();

        try (LeftoverCourier courier = LeftoverCourier.start(options(spillDir))) {
            courier.deliverAll();
            assertThat(master.requests().subList(before, master.requests().size()))
                    .noneMatch(r -> r.path().endsWith("/metrics") || r.method().equals("PATCH"));
            assertThat(ReportSpill.readAll(spill)).hasSize(3);

            time.advance(ReportSender.RETRY.initial()); // the session's own retry, and the courier's first look
            open.close();
            time.advance(SessionOptions.DEFAULT_LEFTOVER_PERIOD);
        }
        assertThat(metricPosts()).containsExactly("training 1 (run 1)", "training 2 (run 1)", "training 3 (run 1)",
                "training 4 (run 1)", "training 5 (run 1)", "training 6 (run 1)");
        assertThat(master.state().trial(trialId).state()).isEqualTo("STATE_COMPLETED");
        assertThat(StandInSessions.filesUnder(spillDir)).isEmpty();
    }

    @Test
    void aSessionStartedWhileTheCourierDeliversItsTrialsLeftoversTakesOverWithoutDeliveringAnythingTwice()
            throws Exception {
        TrialSession first = TrialSession.init(spec(), options(spillDir));
        long trialId = first.info().trialId();
        StandInSessions.reportTraining(first, 1, 2);
        first.metrics().flush();
        master.faults().refuseConnections();
        StandInSessions.reportTraining(first, 3, 12);
        first.close();
        master.faults().acceptConnections();
        Path spill = spillFiles(spillDir).get(0);

        master.faults().delay("POST", "/api/v1/trials/\\d+/metrics", PATIENCE);
        try (LeftoverCourier courier = LeftoverCourier.start(options(spillDir));
             CapturedLog log = CapturedLog.everything()) {
            Future<?> look = threads.submit(() -> time.advance(Duration.ZERO));
            assertThat(master.faults().awaitHeld(1, PATIENCE)).as("the courier's first report in flight").isTrue();
            Future<TrialSession> starting = threads.submit(() -> TrialSession.init(spec(), options(spillDir)));
            assertThat(SpillClaim.awaitWaiter(spill, PATIENCE)).as("the new session waits for the spill").isTrue();
            assertThat(master.state().trial(trialId).runId()).as("no run started while it waits").isEqualTo(1);
            master.faults().releaseDelays();
            look.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            try (TrialSession second = starting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                assertThat(second.info().trialRunId()).isEqualTo(2);
                StandInSessions.reportTraining(second, 13, 14);
            }
            // the courier let go after its report in flight, and the session delivered the rest
            assertThat(log.all()).anySatisfy(line -> assertThat(line).startsWith("INFO DETBATCH-0132 trial " + trialId + ": delivered"
                    + " 1 metric report (training of run 1: 1 at steps 3-3), left in " + spill).endsWith(
                    "the other 10 are left to a new session of the trial, which waits for them"))
                    .anySatisfy(line -> assertThat(line).isEqualTo("INFO DETBATCH-0120 delivered what an earlier session of this trial"
                            + " left in " + spill + ": 9 metric reports (training of run 1: 9 at steps 4-12)"));
        }
        // every report posted once, in order: the courier's first, the session's the rest, before its run
        assertThat(metricPosts()).containsExactly(IntStream.rangeClosed(1, 14)
                .mapToObj(step -> "training " + step + " (run " + (step <= 12 ? 1 : 2) + ")").toArray(String[]::new));
        int runTwo = DeliveredReports.lastIndex(master, "POST", "/api/v1/trials/\\d+/start");
        assertThat(master.requests().subList(runTwo, master.requests().size()))
                .filteredOn(r -> r.path().endsWith("/metrics")).hasSize(2);
        assertThat(master.state().trial(trialId).state()).isEqualTo("STATE_COMPLETED");
        assertThat(StandInSessions.filesUnder(spillDir)).isEmpty();
    }

    @Test
    void theFinalStateOfASupersededRunIsSetAsideWithItsMetricsNotSent() throws IOException {
        TrialSession first = TrialSession.init(spec(), options(spillDir));
        long trialId = first.info().trialId();
        StandInSessions.reportTraining(first, 1, 3);
        first.metrics().flush();
        master.faults().refuseConnections();
        StandInSessions.reportTraining(first, 4, 6);
        first.close();
        master.faults().acceptConnections();
        // another session of the trial, elsewhere, runs run 2 and pauses it
        try (TrialSession elsewhere = TrialSession.init(spec(), options(otherSpillDir))) {
            StandInSessions.reportTraining(elsewhere, 1, 2);
            elsewhere.close(TrialState.PAUSED, null);
        }
        int before = master.requests().size();

        List<String> warnings;
        try (LeftoverCourier courier = LeftoverCourier.start(options(spillDir));
             CapturedLog log = CapturedLog.of(LeftoverReports.class)) {
            time.advance(Duration.ZERO);
            warnings = log.warnings();
        }
        Path undeliverable = StandInSessions.filesUnder(spillDir).get(0);
        assertThat(undeliverable.getFileName().toString()).endsWith("-trial-" + trialId + ".undeliverable.jsonl");
        assertThat(warnings).singleElement().asString()
                .contains("cannot deliver 3 metric reports (training of run 1: 3 at steps 4-6), final state"
                        + " STATE_COMPLETED of run 1", "a newer run has started since", undeliverable.toString());
        assertThat(ReportSpill.readAll(undeliverable)).hasSize(4);
        assertThat(master.requests().subList(before, master.requests().size())).noneMatch(r -> r.method().equals("PATCH"));
        assertThat(master.state().trial(trialId).state()).isEqualTo("STATE_PAUSED");
    }

    @Test
    void leftoversOfAnotherMasterAreLeftAlone() throws IOException {
        Path foreign = spillDir.resolve("master-another-cluster-trial-1.jsonl");
        Files.writeString(foreign, "{\"format\": 1}\n");
        try (LeftoverCourier courier = LeftoverCourier.start(options(spillDir))) {
            time.advance(Duration.ZERO);
        }
        assertThat(master.requests()).noneMatch(r -> r.path().endsWith("/metrics") || r.method().equals("PATCH"));
        assertThat(StandInSessions.filesUnder(spillDir)).containsExactly(foreign);
    }

    /** Every metrics post the master received, whatever it answered, in arrival order. */
    @SuppressWarnings("unchecked")
    private List<String> metricPosts() {
        return master.requests().stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/metrics"))
                .map(r -> {
                    Map<String, Object> body = JsonText.readJsonObject(r.body());
                    Map<String, Object> metrics = (Map<String, Object>) body.get("metrics");
                    return body.get("group") + " " + Long.parseLong(String.valueOf(metrics.get("stepsCompleted")))
                            + " (run " + metrics.get("trialRunId") + ")";
                }).toList();
    }

    private static List<Path> spillFiles(Path dir) throws IOException {
        return StandInSessions.filesUnder(dir).stream().filter(f -> !f.toString().endsWith(".lock")).toList();
    }

    private TrialSpec spec() throws IOException {
        return StandInSessions.spec(checkpointDir, "outage", "trial");
    }

    private SessionOptions options(Path spill) {
        return StandInSessions.options(master, time, spill).withCloseTimeout(CLOSE_TIMEOUT);
    }
}
