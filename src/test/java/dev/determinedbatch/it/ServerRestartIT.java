package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.batch.GracefulStop;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.testsupport.BootableJar;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A server stopped gracefully (SIGTERM, as systemd or Kubernetes stop it) while it trains: the
 * execution ends STOPPED at a chunk boundary, the trial PAUSED, and the server leaves neither an
 * owner row nor a lease behind, so the next server on the same data directory (same H2 job
 * repository) recovers nothing; restarted, the run ends with the weights of an uninterrupted one.
 */
class ServerRestartIT {

    /** Longer than WildFly's own graceful stop (half a second), well within ours. */
    private static final Duration MASTER_LATENCY = Duration.ofSeconds(3);

    @Test
    void aGracefullyStoppedServerLeavesAStoppedExecutionAndAPausedTrialThatANewServerResumes() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "server-restart-it")).toAbsolutePath();
        Path dataDir = Files.createTempDirectory(work, "data-");
        Path log = work.resolve(dataDir.getFileName() + ".log");
        Map<String, String> interrupted = parameters("interrupted");
        String trial = interrupted.get("externalTrialId");
        try (StandInMaster master = StandInMaster.start()) {
            String masterUrl = master.url();
            long execution;
            try (BootableJar first = BootableJar.start(dataDir, masterUrl, log)) {
                TrainingApi api = new TrainingApi(first.url());
                execution = api.start("train", interrupted).executionId();
                // stop the server once the first checkpoint is reported: mid-training, at no chosen step
                StandInTrials.awaitCheckpointReport(master, Duration.ofSeconds(120), "no checkpoint reported");
                // a master slow to answer, as one under load or far away is: the stop cannot end at once
                master.faults().delay("PATCH", "/api/v1/trials/\\d+", MASTER_LATENCY);
                long stopping = System.nanoTime();
                first.stop();
                assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("the graceful stop's time; see " + log)
                        .isLessThan(Duration.ofSeconds(30));
            }

            // what the stopped server left, before any other server could recover or change it
            assertThat(StandInTrials.find(master, trial).state()).as("the trial at the master after SIGTERM; see " + log)
                    .isEqualTo("STATE_PAUSED");
            assertThat(master.requests()).as("no trial marked ERROR")
                    .noneMatch(r -> r.method().equals("PATCH") && r.body().contains("STATE_ERROR"));
            try (Connection repository = jobRepository(dataDir)) {
                assertThat(batchStatus(repository, execution)).as("the execution in the job repository").isEqualTo("STOPPED");
                assertThat(count(repository, "DETBATCH_EXECUTION_OWNER")).as("owner rows left").isZero();
                assertThat(count(repository, "DETBATCH_SERVER_LEASE")).as("leases left").isZero();
            }
            master.faults().clear();
            String firstLog = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            assertThat(firstLog).as("the stopped server's log")
                    .contains("the server stops; waiting up to 30 s (determined.batch.stop.timeout) for job train execution "
                            + execution + " to end at a chunk boundary")
                    .doesNotContain("did not end within");

            long logBefore = Files.size(log);
            try (BootableJar second = BootableJar.start(dataDir, masterUrl, log)) {
                TrainingApi api = new TrainingApi(second.url());
                Map<String, Object> left = api.get("api/jobexecutions/" + execution).body();
                assertThat(left).as("the execution, seen by the next server").containsEntry("batchStatus", "STOPPED");
                assertThat((String) left.get("exitStatus")).startsWith("STOPPED steps=");
                assertThat(logSince(log, logBefore)).as("the next server's log").doesNotContain("recovered job execution");

                long resumed = api.restart(execution, "after the server stopped");
                api.assertCompletesWithTheWeightsOfAnUninterruptedRun(resumed, parameters("reference"),
                        "after the server stopped");
                second.stop();
            }
        }
    }

    /**
     * A stop that outlasts {@code determined.batch.stop.timeout} (the master does not answer the
     * trial's closing in time): the server stops under the execution, says so in one SEVERE line
     * naming it and what to do, and the next server recovers it as after a crash.
     */
    @Test
    void aStopThatOutlastsItsTimeoutIsNamedInTheLogAndTheNextServerRecoversTheExecution() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "server-restart-it")).toAbsolutePath();
        Path dataDir = Files.createTempDirectory(work, "data-");
        Path log = work.resolve(dataDir.getFileName() + ".log");
        try (StandInMaster master = StandInMaster.start()) {
            long execution;
            try (BootableJar first = BootableJar.start(dataDir, master.url(), log,
                    Map.of(GracefulStop.STOP_TIMEOUT, "1"))) {
                execution = new TrainingApi(first.url()).start("train", parameters("too-slow")).executionId();
                StandInTrials.awaitCheckpointReport(master, Duration.ofSeconds(120), "no checkpoint reported");
                master.faults().delay("PATCH", "/api/v1/trials/\\d+", Duration.ofSeconds(20));
                first.stop();
            }
            master.faults().clear();
            assertThat(new String(Files.readAllBytes(log), StandardCharsets.UTF_8)).as("the stopped server's log")
                    .containsPattern("SEVERE .*job train execution " + execution + " \\(trial server-restart/too-slow-\\d+\\)"
                            + " did not end within determined.batch.stop.timeout \\(1 s\\)")
                    .contains("POST /api/jobexecutions/" + execution + "/restart");

            long logBefore = Files.size(log);
            try (BootableJar second = BootableJar.start(dataDir, master.url(), log)) {
                Map<String, Object> left = new TrainingApi(second.url()).get("api/jobexecutions/" + execution).body();
                assertThat(left).as("the execution, recovered by the next server").containsEntry("batchStatus", "FAILED");
                assertThat(logSince(log, logBefore)).as("the next server's log")
                        .contains("recovered job execution " + execution + " (job train");
                second.stop();
            }
        }
    }

    private static Map<String, String> parameters(String trial) {
        return TrainingApi.longRun("server-restart", trial, 200, 11);
    }

    /** The H2 job repository the servers shared, opened directly while no server runs. */
    private static Connection jobRepository(Path dataDir) throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("job-repository") + ";IFEXISTS=TRUE",
                "sa", "sa");
    }

    private static String batchStatus(Connection repository, long execution) throws SQLException {
        try (PreparedStatement query = repository.prepareStatement(
                "SELECT BATCHSTATUS FROM JOB_EXECUTION WHERE JOBEXECUTIONID = ?")) {
            query.setLong(1, execution);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    private static long count(Connection repository, String table) throws SQLException {
        try (Statement query = repository.createStatement(); ResultSet row = query.executeQuery("SELECT COUNT(*) FROM " + table)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String logSince(Path log, long offset) throws java.io.IOException {
        byte[] written = Files.readAllBytes(log);
        return new String(written, (int) offset, written.length - (int) offset, StandardCharsets.UTF_8);
    }
}
