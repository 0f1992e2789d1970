package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.testsupport.BootableJar;
import dev.determinedbatch.testsupport.PostgresTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The bootable jar on PostgreSQL: configured by the job repository keys alone, the password from the
 * secrets directory. JBeret's tables and ours are in PostgreSQL, nothing in the data directory; an
 * execution stopped on one server is restarted on another with a data directory of its own, and
 * completes with the weights of an uninterrupted run.
 */
class PostgresJobRepositoryIT {

    @Test
    void aJobStoppedOnOneServerIsRestartedOnAnotherFromPostgresql() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "postgres-job-repository-it")).toAbsolutePath();
        PostgresTestServer.Database database = PostgresTestServer.shared().createDatabase();
        Path secrets = Files.createDirectories(Files.createTempDirectory(work, "secrets-"));
        Files.writeString(secrets.resolve("determined.batch.job-repository.password"), database.password() + "\n",
                StandardCharsets.UTF_8);
        Path storage = Files.createTempDirectory(work, "checkpoints-");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("determined.batch.job-repository.driver", "postgresql");
        settings.put("determined.batch.job-repository.url", database.url());
        settings.put("determined.batch.job-repository.user", database.user());
        settings.put("determined.batch.secrets.dir", secrets.toString());
        settings.put("det.checkpoint.storage", storage.toString());
        Map<String, String> parameters = TrainingApi.longRun("postgres-job-repository", "stopped", 120, 31);

        try (StandInMaster master = StandInMaster.start()) {
            Path firstData = Files.createTempDirectory(work, "data-");
            Path log = work.resolve(firstData.getFileName() + ".log");
            long stopped;
            try (BootableJar first = BootableJar.start(firstData, master.url(), log, node(settings, "node-a"))) {
                TrainingApi api = new TrainingApi(first.url());
                stopped = api.start("train", parameters).executionId();
                StandInTrials.awaitCheckpointReport(master, Duration.ofSeconds(120), "no checkpoint reported");
                first.stop();
            }
            assertThat(Files.list(firstData).map(p -> p.getFileName().toString()))
                    .as("nothing of the job repository in the data directory")
                    .noneMatch(name -> name.startsWith("job-repository"));
            assertThat(rows(database, "SELECT BATCHSTATUS FROM JOB_EXECUTION WHERE JOBEXECUTIONID = " + stopped))
                    .containsExactly("STOPPED");

            Path secondData = Files.createTempDirectory(work, "data-");
            try (BootableJar second = BootableJar.start(secondData, master.url(), log, node(settings, "node-b"))) {
                TrainingApi api = new TrainingApi(second.url());
                long resumed = api.restart(stopped, "restart on another server");
                Map<String, String> reference = new LinkedHashMap<>(parameters);
                reference.put("externalTrialId", "reference-" + System.nanoTime());
                api.assertCompletesWithTheWeightsOfAnUninterruptedRun(resumed, reference, "restart on another server");
                assertThat(rows(database, "SELECT BATCHSTATUS FROM JOB_EXECUTION ORDER BY JOBEXECUTIONID"))
                        .containsExactly("STOPPED", "COMPLETED", "COMPLETED");
                assertThat(tables(database)).contains("job_instance", "job_execution", "step_execution",
                        "partition_execution", "detbatch_server_lease", "detbatch_execution_owner");
                assertThat(rows(database, "SELECT HOST_NAME FROM DETBATCH_SERVER_LEASE")).as("the live server's lease")
                        .hasSize(1);
                second.stop();
            }
            assertThat(Files.readString(log)).as("the server log").doesNotContain(database.password());
        }
    }

    private static Map<String, String> node(Map<String, String> settings, String nodeId) {
        Map<String, String> node = new LinkedHashMap<>(settings);
        node.put("determined.batch.node.id", nodeId);
        return node;
    }

    private static List<String> rows(PostgresTestServer.Database database, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static Set<String> tables(PostgresTestServer.Database database) throws SQLException {
        return new TreeSet<>(rows(database,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"));
    }
}
