package dev.determinedbatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.Set;
import javax.naming.InitialContext;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server the build provisions keeps job executions in the H2 file of the data directory
 * (server-config/job-repository.cli): not in memory, and not inside the server, whose directory a
 * bootable jar deletes when it exits.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobRepositoryIT {

    private static final String DATA_SOURCE = "java:jboss/datasources/DeterminedBatchJobRepository";
    private static final String DATABASE_FILE = "job-repository.mv.db";
    private static final Set<String> RUNNING = Set.of("STARTING", "STARTED", "STOPPING");

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "job-repository-it.war")
                .addClass(SmokeBatchlet.class)
                .addAsResource("batch-jobs/smoke.xml", "META-INF/batch-jobs/smoke.xml");
    }

    @Test
    @Order(1)
    void jobExecutionIsWrittenToTheH2FileOfTheDataDirectory() throws Exception {
        JobOperator operator = BatchRuntime.getJobOperator();
        long executionId = operator.start("smoke", new Properties());

        DataSource dataSource = InitialContext.doLookup(DATA_SOURCE);
        try (Connection connection = dataSource.getConnection()) {
            // JBeret updates the execution it holds in memory before its row: the row is the proof.
            assertEquals("COMPLETED", awaitEnd(connection, executionId, Duration.ofSeconds(60)));
            assertEquals(SmokeBatchlet.EXIT_STATUS, column(connection, executionId, "EXITSTATUS", "STEP_EXECUTION"));

            String dataDir = System.getProperty("determined.batch.data.dir");
            String url = connection.getMetaData().getURL();
            assertTrue(url.startsWith("jdbc:h2:file:" + dataDir + "/job-repository"), url);
        }
        assertEquals(BatchStatus.COMPLETED, operator.getJobExecution(executionId).getBatchStatus());
    }

    @Test
    @Order(2)
    @RunAsClient
    void databaseFileIsOutsideTheServer() {
        Path dataDir = Path.of(System.getProperty("it.data.dir"));
        assertTrue(Files.isRegularFile(dataDir.resolve(DATABASE_FILE)), dataDir + " holds no " + DATABASE_FILE);
        assertFalse(dataDir.startsWith(Path.of(System.getProperty("it.server.dir"))));
    }

    /** Bounded polling of the job's row: the batch status once the job has ended. */
    private static String awaitEnd(Connection connection, long executionId, Duration timeout)
            throws SQLException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        String status = column(connection, executionId, "BATCHSTATUS", "JOB_EXECUTION");
        while (status == null || RUNNING.contains(status)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("job execution " + executionId + " still " + status + " after " + timeout);
            }
            Thread.sleep(20);
            status = column(connection, executionId, "BATCHSTATUS", "JOB_EXECUTION");
        }
        return status;
    }

    /** The column of the (first) row of a JBeret table that belongs to the job execution. */
    private static String column(Connection connection, long executionId, String column, String table)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + column + " FROM " + table + " WHERE JOBEXECUTIONID = ?")) {
            query.setLong(1, executionId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }
}
