package dev.determinedbatch.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.client.delivery.LeftoverReports;
import dev.determinedbatch.client.delivery.ReportLines;
import dev.determinedbatch.client.delivery.ReportSpill;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.storage.StoredCheckpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Close waits a bounded time; what it cannot deliver stays in the spill, with the trial's final
 * state when the master could not be told it, and the next session of the same trial delivers
 * the reports, under their own run id, before it starts its run (the courier's part is in
 * {@link LeftoverCourierTests}).
 */
class LeftoverReportsTests {

    private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path checkpointDir;
    @TempDir
    Path spillDir;
    @TempDir
    Path otherSpillDir;
    @AutoClose
    private final StandInMaster master = StandInMaster.start();
    private final ManualScheduler time = new ManualScheduler();

    @Test
    void closeDuringAnOutageKeepsWhatIsLeftAndTheNextSessionDeliversItBeforeItsRun() throws IOException {
        TrialSession first = TrialSession.init(spec(), options(spillDir));
        long trialId = first.info().trialId();
        StandInSessions.reportTraining(first, 1, 5);
        first.metrics().flush();
        master.faults().refuseConnections();
        StandInSessions.reportTraining(first, 6, 10);
        StoredCheckpoint stored = StandInSessions.store(first, 10);
        first.metrics().reportValidationMetrics(10, Map.of("accuracy", 0.5));

        List<String> warnings;
        long started = System.nanoTime();
        try (CapturedLog log = CapturedLog.of(TrialSession.class)) {
            first.close(); // no exception: the training's result is safe on disk
            warnings = log.warnings();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(CLOSE_TIMEOUT.plusSeconds(10));
        Path spill = StandInSessions.filesUnder(spillDir).get(0);
        List<String> left = ReportSpill.readAll(spill);
        // the reports in their order, then the state close could not send
        assertThat(left).hasSize(8);
        assertThat(ReportLines.read(left.get(7)).report()).isEqualTo(new Report.FinalState(trialId, 1, TrialState.COMPLETED));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("was not marked STATE_COMPLETED: the master is unreachable"))
                .anySatisfy(w -> assertThat(w).contains("within det.close.timeout (0.3 s)",
                        "6 metric reports (training of run 1: 5 at steps 6-10; validation of run 1: 1 at steps 10-10)",
                        "1 checkpoint report (" + stored.uuid() + " (steps_completed 10))", spill.toString()));
        // the process died while appending one more: a torn line, never confirmed to anyone
        Files.writeString(spill, "{\"format\": 1, \"seq\": 99, \"ki", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        master.faults().acceptConnections();
        try (TrialSession second = TrialSession.init(spec(), options(spillDir))) {
            assertThat(second.info().trialRunId()).isEqualTo(2);
            // run 1's final state is not sent: run 2 starts the trial again at once
            assertThat(master.requests()).noneMatch(r -> r.method().equals("PATCH") && r.body().contains("STATE_COMPLETED"));
            // delivered before the run started, so the master's answer to the start names it
            assertThat(second.info().latestCheckpoint()).isEqualTo(stored.uuid());
            assertThat(second.info().stepsCompleted()).isEqualTo(10);
            StandInSessions.reportTraining(second, 11, 12);
        }
        assertThat(DeliveredReports.rows(master, trialId)).containsExactly(
                "training 1 (run 1)", "training 2 (run 1)", "training 3 (run 1)", "training 4 (run 1)",
                "training 5 (run 1)", "training 6 (run 1)", "training 7 (run 1)", "training 8 (run 1)",
                "training 9 (run 1)", "training 10 (run 1)", "validation 10 (run 1)",
                "training 11 (run 2)", "training 12 (run 2)");
        int runTwoStarts = DeliveredReports.lastIndex(master, "POST", "/api/v1/trials/\\d+/start");
        assertThat(master.requests().subList(0, runTwoStarts)).filteredOn(r -> r.path().endsWith("/metrics")).hasSize(11);
        assertThat(master.state().trial(trialId).state()).isEqualTo("STATE_COMPLETED");
        assertThat(spill).doesNotExist();
    }

    @Test
    void leftoversOfASupersededRunAreSetAsideCountedAndKept() throws IOException {
        TrialSession first = TrialSession.init(spec(), options(spillDir));
        long trialId = first.info().trialId();
        StandInSessions.reportTraining(first, 1, 3);
        first.metrics().flush();
        master.faults().refuseConnections();
        StandInSessions.reportTraining(first, 4, 6);
        StoredCheckpoint stored = StandInSessions.store(first, 6);
        first.close();
        master.faults().acceptConnections();

        // another session of the trial, elsewhere (it does not see this spill), starts run 2
        try (TrialSession elsewhere = TrialSession.init(spec(), options(otherSpillDir))) {
            StandInSessions.reportTraining(elsewhere, 1, 2);
        }

        List<String> warnings;
        try (CapturedLog log = CapturedLog.of(LeftoverReports.class);
             TrialSession third = TrialSession.init(spec(), options(spillDir))) {
            warnings = log.warnings();
            assertThat(third.info().trialRunId()).isEqualTo(3);
            // the checkpoint report carries no run id: it is still delivered, before run 3 starts
            assertThat(third.info().latestCheckpoint()).isEqualTo(stored.uuid());
        }
        // only the operator's copy is left: the spill itself is done with
        Path undeliverable = StandInSessions.filesUnder(spillDir).get(0);
        assertThat(undeliverable.getFileName().toString()).endsWith("-trial-" + trialId + ".undeliverable.jsonl");
        assertThat(warnings).singleElement().asString()
                .contains("cannot deliver 3 metric reports (training of run 1: 3 at steps 4-6)")
                .contains("a newer run has started since").contains(undeliverable.toString());
        assertThat(ReportSpill.readAll(undeliverable)).hasSize(3);
        assertThat(DeliveredReports.rows(master, trialId)).containsExactly("training 1 (run 1)", "training 2 (run 1)",
                "training 3 (run 1)", "training 1 (run 2)", "training 2 (run 2)");
        assertThat(StandInSessions.filesUnder(spillDir)).hasSize(1);
    }

    private TrialSpec spec() throws IOException {
        return StandInSessions.spec(checkpointDir, "outage", "trial");
    }

    private SessionOptions options(Path spill) {
        return StandInSessions.options(master, time, spill).withCloseTimeout(CLOSE_TIMEOUT);
    }
}
