package dev.determinedbatch.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.client.delivery.ReportSender;
import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.standin.RecordedRequest;
import dev.determinedbatch.standin.StandInMaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ERROR of a run whose process died ({@link LeftoverCourier#endLostRun}): kept in the trial's
 * spill file, forced to disk, and sent by the courier as close would have sent it, at once or
 * once the master answers; never while a session of the trial holds the file, and never after a
 * new session of the trial has started a run. Time moves only when a test says so.
 */
class LostRunEndTests {

    @TempDir
    Path checkpointDir;
    @TempDir
    Path spillDir;
    @AutoClose
    private final StandInMaster master = StandInMaster.start();
    private final ManualScheduler time = new ManualScheduler();

    @Test
    void theCourierMarksTheTrialOfALostRunErrorAtOnce() throws IOException {
        Lost lost = aRunLeftRunning();
        try (LeftoverCourier courier = LeftoverCourier.start(options())) {
            time.advance(Duration.ZERO);
            assertThat(courier.endLostRun(lost.key(), lost.trialId(), 1)).isEqualTo(LeftoverCourier.LostRunEnd.QUEUED);
            assertThat(Files.readString(courier.spillFileOf(lost.key())))
                    .as("durable before it is sent").contains("\"kind\": \"finalState\"", "\"state\": \"STATE_ERROR\"");
            time.advance(Duration.ZERO);
        }
        assertThat(states(lost.trialId())).containsExactly("STATE_ERROR");
        assertThat(master.state().trial(lost.trialId()).state()).isEqualTo("STATE_ERROR");
        assertThat(StandInSessions.filesUnder(spillDir)).as("delivered: the file is gone").isEmpty();
    }

    @Test
    void anErrorKeptDuringAnOutageIsSentOnceTheMasterAnswers() throws IOException {
        Lost lost = aRunLeftRunning();
        master.faults().refuseConnections();
        try (LeftoverCourier courier = LeftoverCourier.start(options())) {
            assertThat(courier.endLostRun(lost.key(), lost.trialId(), 1)).isEqualTo(LeftoverCourier.LostRunEnd.QUEUED);
            time.advance(Duration.ZERO);
            assertThat(master.state().trial(lost.trialId()).state()).isEqualTo("STATE_RUNNING");
            assertThat(courier.spillFileOf(lost.key())).exists();

            master.faults().acceptConnections();
            time.advance(ReportSender.RETRY.initial());
        }
        assertThat(states(lost.trialId())).containsExactly("STATE_ERROR");
    }

    @Test
    void aNewSessionOfTheTrialBeforeTheMasterAnswersSkipsTheErrorAndRunsTheTrialAgain() throws IOException {
        Lost lost = aRunLeftRunning();
        master.faults().refuseConnections();
        try (LeftoverCourier courier = LeftoverCourier.start(options())) {
            courier.endLostRun(lost.key(), lost.trialId(), 1);
            time.advance(Duration.ZERO);
        }
        master.faults().acceptConnections();
        try (TrialSession restart = TrialSession.init(spec(), options())) {
            assertThat(restart.info().trialRunId()).isEqualTo(2);
        }
        assertThat(states(lost.trialId())).as("the new run's, never the lost run's ERROR")
                .containsExactly("STATE_RUNNING", "STATE_COMPLETED");
        assertThat(spillDir.resolve(lost.key() + ".undeliverable.jsonl")).doesNotExist();
    }

    @Test
    void aTrialWhoseSpillFileASessionHoldsIsLeftAlone() throws IOException {
        try (TrialSession open = TrialSession.init(spec(), options());
             LeftoverCourier courier = LeftoverCourier.start(options())) {
            assertThat(courier.endLostRun(open.trialKey(), open.info().trialId(), open.info().trialRunId()))
                    .isEqualTo(LeftoverCourier.LostRunEnd.SPILL_HELD);
            assertThat(courier.spillFileOf(open.trialKey())).doesNotExist();
        }
    }

    @Test
    void withoutAMasterThereIsNoTrialToEnd() throws IOException {
        SessionOptions local = SessionOptions.local(checkpointDir.resolve("metrics.jsonl"))
                .withTime(time, time, duration -> { }).withSpillDirectory(spillDir);
        try (LeftoverCourier courier = LeftoverCourier.start(local)) {
            assertThat(courier.endLostRun("master-x-trial-1", 1, 1)).isEqualTo(LeftoverCourier.LostRunEnd.NO_MASTER);
        }
        assertThat(StandInSessions.filesUnder(spillDir)).isEmpty();
    }

    private record Lost(String key, long trialId) {
    }

    /** A run whose process died, as the master sees it: RUNNING, and its session's spill file free. */
    private Lost aRunLeftRunning() throws IOException {
        TrialSession session = TrialSession.init(spec(), options());
        StandInSessions.reportTraining(session, 1, 3);
        session.close(TrialState.RUNNING, null);
        assertThat(master.state().trial(session.info().trialId()).state()).isEqualTo("STATE_RUNNING");
        master.clearRequests();
        return new Lost(session.trialKey(), session.info().trialId());
    }

    /** The states the trial was PATCHed to since the lost run, in order. */
    private List<String> states(long trialId) {
        return master.requests().stream()
                .filter(r -> r.method().equals("PATCH") && r.path().equals("/api/v1/trials/" + trialId) && r.status() == 200)
                .map(RecordedRequest::body).map(JsonText::readJsonObject)
                .filter(body -> body.containsKey("state")).map(body -> (String) body.get("state")).toList();
    }

    private TrialSpec spec() throws IOException {
        return StandInSessions.spec(checkpointDir, "lost", "trial");
    }

    private SessionOptions options() {
        return StandInSessions.options(master, time, spillDir).withCloseTimeout(Duration.ofMillis(300));
    }
}
