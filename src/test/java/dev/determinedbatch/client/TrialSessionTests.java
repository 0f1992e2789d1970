package dev.determinedbatch.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.TrialInfo;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.master.Credentials;
import dev.determinedbatch.client.master.MasterException;
import dev.determinedbatch.client.master.MasterSettings;
import dev.determinedbatch.client.master.MasterUnreachableException;
import dev.determinedbatch.standin.RecordedRequest;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.standin.Users;
import dev.determinedbatch.storage.CheckpointNotFoundException;
import dev.determinedbatch.storage.StoredCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session against the master stand-in: retries, renewal, refusals and what they leave behind. */
class TrialSessionTests {

    @TempDir
    Path checkpointDir;
    @TempDir
    Path spillDir;
    @AutoClose
    private final StandInMaster master = StandInMaster.start();
    private final ManualScheduler time = new ManualScheduler();

    @Test
    void eachLogLineReachesTheMasterOnceThoughItAnswersTheEmptyJsonString() throws IOException {
        // the master answers POST /task-logs with "" (no object): that is delivered, not a failure to retry
        java.util.logging.Logger script = java.util.logging.Logger.getLogger("trial.script");
        String taskId;
        try (TrialSession session = TrialSession.init(StandInSessions.spec(checkpointDir, "logs", "once"),
                StandInSessions.options(master, time, spillDir))) {
            taskId = master.state().trial(session.info().trialId()).taskId();
            script.info("first");
            time.advance(Duration.ofSeconds(1));
            script.info("second");
            for (int second = 0; second < 5; second++) {
                time.advance(Duration.ofSeconds(1));
            }
        }
        assertThat(master.state().taskLogs(taskId)).filteredOn(line -> line.startsWith("first") || line.startsWith("second"))
                .containsExactly("first", "second");
        assertThat(master.requests()).filteredOn(r -> r.path().equals("/task-logs")).hasSizeLessThanOrEqualTo(3)
                .extracting(RecordedRequest::status).containsOnly(200);
    }

    @Test
    void anUnreachableMasterIsNamedAndNothingIsWritten() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        AtomicInteger waits = new AtomicInteger();
        SessionOptions options = SessionOptions.master(
                        MasterSettings.of("127.0.0.1:" + port, Credentials.password("determined", "")))
                .withTime(time, time, duration -> waits.incrementAndGet()).withSpillDirectory(spillDir);

        assertThatThrownBy(() -> TrialSession.init(spec("exp", "trial"), options))
                .isInstanceOf(MasterUnreachableException.class)
                .hasMessageContaining("cannot reach the Determined master at http://127.0.0.1:" + port);
        assertThat(waits).hasValue(MasterSettings.DEFAULT_RETRIES);
        assertThat(StandInSessions.filesUnder(checkpointDir)).isEmpty();
    }

    @Test
    void aMalformedMasterUrlInTheConfigIsNamedAndNothingIsWrittenOrSent() throws IOException {
        String hostPort = master.url().replaceFirst("^http://", "");
        Map<String, String> cases = Map.of(
                "ftp://" + hostPort, "det.master (DET_MASTER): the Determined master address 'ftp://" + hostPort
                        + "' must use http or https, not 'ftp'",
                "http://ann:s3cret@" + hostPort, "det.master (DET_MASTER): the Determined master address must not"
                        + " carry credentials; use DET_USER and DET_PASS",
                "http://ann:s3cret@" + hostPort + "/a b", "det.master (DET_MASTER): the Determined master address"
                        + " 'http://***@" + hostPort + "/a b' is not a URL: Illegal character in path");
        for (Map.Entry<String, String> bad : cases.entrySet()) {
            org.eclipse.microprofile.config.Config config = new io.smallrye.config.SmallRyeConfigBuilder()
                    .withSources(new io.smallrye.config.PropertiesConfigSource(Map.of("det.master", bad.getKey(),
                            "det.metrics.spill-dir", spillDir.toString(),
                            "det.local.metrics-file", spillDir.resolve("metrics.jsonl").toString()), "test", 500))
                    .build();
            assertThatThrownBy(() -> TrialSession.init(spec("exp", "trial"), SessionOptions.fromConfig(config)))
                    .as(bad.getKey()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(bad.getValue()).hasMessageNotContaining("s3cret");
        }
        assertThat(master.requests()).isEmpty();
        assertThat(StandInSessions.filesUnder(spillDir)).isEmpty();
        assertThat(StandInSessions.filesUnder(checkpointDir)).isEmpty();
    }

    @Test
    void aWrongPasswordIsRefusedWithoutShowingIt() throws IOException {
        master.addUser("ann", "right-password");
        SessionOptions options = SessionOptions.master(
                        MasterSettings.of(master.url(), Credentials.password("ann", "wrong-pass-123")))
                .withTime(time, time, duration -> { }).withSpillDirectory(spillDir);

        assertThatThrownBy(() -> TrialSession.init(spec("exp", "trial"), options))
                .isInstanceOf(MasterException.class)
                .hasMessageContaining("login of user 'ann' at " + master.url())
                .hasMessageContaining("HTTP 401")
                .hasMessageNotContaining("wrong-pass-123");
        assertThat(master.requests()).extracting(RecordedRequest::path).containsExactly("/api/v1/auth/login");
        assertThat(StandInSessions.filesUnder(checkpointDir)).isEmpty();
    }

    @Test
    void metadataWithoutStepsCompletedIsRefusedBeforeAnythingIsWrittenOrReported() throws IOException {
        try (TrialSession session = TrialSession.init(spec("exp", "trial"), options())) {
            assertThatThrownBy(() -> session.checkpoints().store(Map.of("note", "no steps"),
                    dir -> Files.writeString(dir.resolve("state"), "x")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("steps_completed");
        }
        assertThat(StandInSessions.filesUnder(checkpointDir)).isEmpty();
        assertThat(master.requests()).noneMatch(r -> r.path().equals("/api/v1/checkpoints"));
        assertThat(master.state().checkpoints()).isEmpty();
    }

    @Test
    void restoringAnUnknownUuidNamesIt() throws IOException {
        String unknown = "0b6f2a54-7c2e-4402-8e77-88a7e8988b22";
        try (TrialSession session = TrialSession.init(spec("exp", "trial"), options())) {
            int before = master.requests().size();
            assertThatThrownBy(() -> session.checkpoints().restore(unknown, checkpoint -> null))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(CheckpointNotFoundException.class)
                    .hasMessageContaining(unknown);
            assertThat(master.requests()).hasSize(before);
        }
    }

    @Test
    void uuidsAndResourcePathsThatEscapeTheStorageAreRefused() throws IOException {
        try (TrialSession session = TrialSession.init(spec("exp", "trial"), options())) {
            StoredCheckpoint stored = session.checkpoints().store(Map.of("steps_completed", 1),
                    dir -> Files.writeString(dir.resolve("state"), "1"));
            int before = master.requests().size();

            assertThatThrownBy(() -> session.checkpoints().restore("../" + stored.uuid(), checkpoint -> null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a checkpoint uuid");
            assertThatThrownBy(() -> session.checkpoints().delete(List.of("../../etc")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a checkpoint uuid");
            assertThatThrownBy(() -> session.checkpoints().restore(stored.uuid(),
                    checkpoint -> checkpoint.resolve("../../etc/passwd")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("escapes checkpoint");

            assertThat(master.requests()).hasSize(before);
            assertThat(Files.exists(checkpointDir.resolve(stored.uuid()).resolve("state"))).isTrue();
        }
    }

    @Test
    void metricPostsAreRetriedAndStoredOnce() throws IOException {
        master.faults().failNext(2, "POST", ".*/metrics", 503);
        TrialInfo info;
        try (TrialSession session = TrialSession.init(spec("exp", "trial"), options())) {
            info = session.info();
            session.metrics().reportTrainingMetrics(1, Map.of("loss", 0.5));
            session.metrics().flush();
        }
        assertThat(master.requests()).filteredOn(r -> r.path().endsWith("/metrics"))
                .extracting(RecordedRequest::status).containsExactly(503, 503, 200);
        assertThat(master.state().metrics(info.trialId())).hasSize(1);
    }

    @Test
    void nonFiniteAndHugeMetricValuesTravelAsDeterminedEncodesThemInValidJson() throws IOException {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put("nan", Double.NaN);
        values.put("inf", Double.POSITIVE_INFINITY);
        values.put("ninf", Double.NEGATIVE_INFINITY);
        values.put("huge", 1e308);
        values.put("max", Double.MAX_VALUE);
        values.put("tiny", Double.MIN_VALUE);
        TrialInfo info;
        try (TrialSession session = TrialSession.init(spec("exp", "trial"), options())) {
            info = session.info();
            session.metrics().reportTrainingMetrics(3, values, List.of(Map.of("loss", Double.NaN)));
            session.metrics().flush();
        }
        RecordedRequest post = master.requests().stream().filter(r -> r.path().endsWith("/metrics")).findFirst()
                .orElseThrow();
        assertThat(post.status()).isEqualTo(200);
        assertThat(post.body()).contains("\"nan\": \"NaN\"", "\"inf\": \"Infinity\"", "\"ninf\": \"-Infinity\"",
                "\"huge\": 1e+308", "\"max\": 1.7976931348623157e+308", "\"tiny\": 5e-324");
        // strict JSON: a reader that refuses bare NaN and Infinity reads it
        try (jakarta.json.JsonReader strict = jakarta.json.Json.createReader(new java.io.StringReader(post.body()))) {
            assertThat(strict.readObject()).isNotEmpty();
        }
        assertThat(master.state().metrics(info.trialId())).singleElement().satisfies(m -> {
            assertThat(m.avgMetrics()).containsEntry("nan", "NaN").containsEntry("inf", "Infinity")
                    .containsEntry("ninf", "-Infinity").containsEntry("huge", 1e308)
                    .containsEntry("max", Double.MAX_VALUE).containsEntry("tiny", Double.MIN_VALUE);
            assertThat(m.batchMetrics()).containsExactly(Map.of("loss", "NaN"));
        });
    }

    @Test
    void aRetriedMetricPostWhoseAnswerWasLostIsNotStoredTwice() throws IOException {
        // the master stores the report, but a proxy answers 504: the client retries
        master.faults().loseAnswers(1, "POST", ".*/metrics", 504);
        TrialInfo info;
        try (TrialSession session = TrialSession.init(spec("exp", "trial"), options())) {
            info = session.info();
            session.metrics().reportTrainingMetrics(7, Map.of("loss", 0.5));
            session.metrics().flush();
        }
        // the master refuses to store the same keys at that step twice: the client counts that as delivered
        assertThat(master.requests()).filteredOn(r -> r.path().endsWith("/metrics"))
                .extracting(RecordedRequest::status).containsExactly(504, 400);
        assertThat(master.state().metrics(info.trialId()))
                .singleElement().satisfies(m -> assertThat(m.stepsCompleted()).isEqualTo(7));
    }

    @Test
    void aCheckpointTheMasterAlreadyHoldsCountsAsReported() throws IOException {
        // stored by the master, answer lost; the retry is refused as a duplicate
        SessionOptions options = options().withTime(time, time,
                beforeRetry -> master.faults().failNext(1, "POST", "/api/v1/checkpoints", 400));
        try (TrialSession session = TrialSession.init(spec("exp", "trial"), options)) {
            master.faults().loseAnswers(1, "POST", "/api/v1/checkpoints", 504);
            StoredCheckpoint stored = session.checkpoints().store(Map.of("steps_completed", 1),
                    dir -> Files.writeString(dir.resolve("state"), "1"));
            assertThat(master.state().checkpoints()).extracting(c -> c.uuid()).containsExactly(stored.uuid());
            assertThat(master.requests()).filteredOn(r -> r.path().equals("/api/v1/checkpoints/" + stored.uuid()))
                    .hasSize(1);
        }
    }

    @Test
    void aRefusedCheckpointTheMasterDoesNotHoldIsAnErrorNamingIt() throws IOException {
        try (TrialSession session = TrialSession.init(spec("exp", "trial"), options())) {
            master.faults().failNext(1, "POST", "/api/v1/checkpoints", 400);
            assertThatThrownBy(() -> session.checkpoints().store(Map.of("steps_completed", 1),
                    dir -> Files.writeString(dir.resolve("state"), "1")))
                    .isInstanceOf(DeterminedException.class)
                    .hasMessageMatching("checkpoint [0-9a-f-]{36} \\(steps_completed 1\\) is stored but reporting it failed: .*HTTP 400.*");
            assertThat(master.state().checkpoints()).isEmpty();
        }
    }

    @Test
    void anExpiredTokenIsRenewedMidRunAndNoLogLineShowsThePasswordOrATokenOrTheHash() throws IOException {
        String password = "Renew-s3cret-pw";
        master.addUser("determined", password);
        SessionOptions options = SessionOptions.master(MasterSettings.of(master.url(), Credentials.password("determined", password)))
                .withTime(time, time, duration -> { }).withSpillDirectory(spillDir);
        TrialInfo info;
        try (CapturedLog log = CapturedLog.everything();
             TrialSession session = TrialSession.init(spec("exp", "trial"), options)) {
            info = session.info();
            session.metrics().reportTrainingMetrics(1, Map.of("loss", 0.5));
            session.metrics().flush();
            master.faults().expireTokens();
            session.metrics().reportTrainingMetrics(2, Map.of("loss", 0.25));
            session.metrics().flush();
            assertThat(log.all()).anyMatch(line -> line.contains("authenticating again"));
            List<String> tokens = master.requests().stream().map(r -> r.header("Authorization"))
                    .filter(a -> a != null && a.startsWith("Bearer ")).map(a -> a.substring("Bearer ".length())).toList();
            assertThat(tokens).isNotEmpty();
            for (String secret : Stream.concat(Stream.of(password, Users.clientHash(password)), tokens.stream()).toList()) {
                assertThat(log.all()).noneMatch(line -> line.contains(secret));
            }
        }
        assertThat(master.state().metrics(info.trialId())).hasSize(2);
        assertThat(master.requests()).filteredOn(r -> r.path().equals("/api/v1/auth/login")).hasSize(2);
        assertThat(master.requests()).filteredOn(r -> r.status() == 401).hasSize(1);
        assertThat(master.state().trial(info.trialId()).state()).isEqualTo("STATE_COMPLETED");
    }

    @Test
    void refusedConnectionsAreRetriedUntilTheMasterIsBack() throws IOException {
        TrialInfo info;
        AtomicInteger waits = new AtomicInteger();
        SessionOptions options = options().withTime(time, time, duration -> {
            if (waits.incrementAndGet() == 2) {
                master.faults().acceptConnections();
            }
        });
        try (TrialSession session = TrialSession.init(spec("exp", "trial"), options)) {
            info = session.info();
            master.faults().refuseConnections();
            session.metrics().reportTrainingMetrics(1, Map.of("loss", 0.5));
            session.metrics().flush();
        }
        assertThat(waits).hasValue(2);
        assertThat(master.state().metrics(info.trialId())).hasSize(1);
    }

    @Test
    void heartbeatsEverySixtySecondsOnTheInjectedClock() throws IOException {
        try (TrialSession session = TrialSession.init(spec("exp", "trial"), options())) {
            long trialId = session.info().trialId();
            assertThat(heartbeats(trialId)).isEqualTo(1);
            time.advance(Duration.ofSeconds(59));
            assertThat(heartbeats(trialId)).isEqualTo(1);
            time.advance(Duration.ofSeconds(1));
            assertThat(heartbeats(trialId)).isEqualTo(2);
        }
    }

    @Test
    void aFailedSendReachesTheCallerNotJustTheLog() throws IOException {
        master.faults().failNext(1, "POST", ".*/metrics", 400);
        try (TrialSession session = TrialSession.init(spec("exp", "trial"), options())) {
            session.metrics().reportTrainingMetrics(1, Map.of("loss", 0.5));
            assertThatThrownBy(session.metrics()::flush).isInstanceOf(DeterminedException.class)
                    .hasMessageContaining("an earlier metrics report failed").hasMessageContaining("HTTP 400");
        }
    }

    @Test
    void aSecondRunResumesFromTheLatestCheckpoint() throws IOException {
        String first;
        try (TrialSession session = TrialSession.init(spec("exp", "trial"), options())) {
            assertThat(session.info().latestCheckpoint()).isNull();
            session.checkpoints().store(Map.of("steps_completed", 20), dir -> Files.writeString(dir.resolve("s"), "20"));
            first = session.checkpoints().store(Map.of("steps_completed", 30),
                    dir -> Files.writeString(dir.resolve("s"), "30")).uuid();
            session.checkpoints().store(Map.of("steps_completed", 10), dir -> Files.writeString(dir.resolve("s"), "10"));
        }
        try (TrialSession session = TrialSession.init(spec("exp", "trial"), options())) {
            assertThat(session.info().trialRunId()).isEqualTo(2);
            assertThat(session.info().latestCheckpoint()).isEqualTo(first);
            assertThat(session.info().stepsCompleted()).isEqualTo(30);
            String state = session.checkpoints().restore(first, c -> Files.readString(c.resolve("s")));
            assertThat(state).isEqualTo("30");
        }
    }

    private long heartbeats(long trialId) {
        return master.requests().stream()
                .filter(r -> r.method().equals("PATCH") && r.path().equals("/api/v1/trials/" + trialId))
                .filter(r -> !r.body().contains("state")).count();
    }

    private TrialSpec spec(String experiment, String trial) throws IOException {
        return StandInSessions.spec(checkpointDir, experiment, trial);
    }

    private SessionOptions options() {
        return StandInSessions.options(master, time, spillDir);
    }
}
