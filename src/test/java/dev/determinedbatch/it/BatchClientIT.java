package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.testsupport.TestApiUsers;
import jakarta.batch.runtime.BatchStatus;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.jberet.rest.client.BatchClient;
import org.jberet.rest.entity.JobExecutionEntity;
import org.jberet.rest.entity.StepExecutionEntity;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.resteasy.plugins.providers.jackson.ResteasyJackson2Provider;
import org.junit.jupiter.api.Test;

/**
 * JBeret's own REST client, {@link BatchClient}, against the API: with Jackson (what JBeret's
 * samples give it) and with JSON-B's defaults. Each starts, reads, stops and restarts a job, and
 * reads every date back as the instant the server wrote.
 */
@RunAsClient
class BatchClientIT extends OnTestServer {

    private static final Set<BatchStatus> ENDED =
            Set.of(BatchStatus.COMPLETED, BatchStatus.FAILED, BatchStatus.STOPPED, BatchStatus.ABANDONED);

    @Test
    void withJackson() throws Exception {
        Client client = authenticated(ClientBuilder.newBuilder().register(new ResteasyJackson2Provider())).build();
        try {
            startReadStopAndRestart(new BatchClient(client, base + "api"), "jackson");
        } finally {
            client.close();
        }
    }

    @Test
    void withJsonb() throws Exception {
        YassonBodies yasson = new YassonBodies();
        Client client = authenticated(ClientBuilder.newBuilder().register(yasson)).build();
        try {
            startReadStopAndRestart(new BatchClient(client, base + "api"), "jsonb");
        } finally {
            client.close();
        }
        assertThat(yasson.reads()).isGreaterThan(5);
    }

    private void startReadStopAndRestart(BatchClient batch, String binding) throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Properties parameters = new Properties();
        parameters.putAll(TrainingJobIT.parameters("batch-client-" + binding));
        parameters.setProperty("epochs", "1");
        parameters.setProperty("holdAtStep", "5");

        JobExecutionEntity started = batch.startJob("train-hooked", parameters);

        long id = started.getExecutionId();
        assertThat(id).isPositive();
        assertThat(started.getJobName()).isEqualTo("train-hooked");
        assertThat(started.getJobParameters()).containsEntry("epochs", "1").containsEntry("holdAtStep", "5");
        assertRecent(started.getCreateTime(), before, "createTime");
        assertSameInstantAsTheServerWrote(id, "createTime", started.getCreateTime());
        StandInTrials.await(master, parameters.getProperty("externalTrialId"), "STATE_RUNNING");

        JobExecutionEntity running = batch.getJobExecution(id);
        assertThat(running.getBatchStatus()).isEqualTo(BatchStatus.STARTED);
        assertRecent(running.getStartTime(), before, "startTime");
        assertThat(running.getCreateTime()).isEqualTo(started.getCreateTime());

        batch.stopJobExecution(id);
        JobExecutionEntity stopped = awaitExitStatus(batch, id, "STOPPED");
        assertThat(stopped.getBatchStatus()).isEqualTo(BatchStatus.STOPPED);
        assertRecent(stopped.getEndTime(), before, "endTime");
        assertRecent(stopped.getLastUpdatedTime(), before, "lastUpdatedTime");
        assertThat(stopped.getEndTime()).isAfterOrEqualTo(stopped.getStartTime());
        assertSameInstantAsTheServerWrote(id, "endTime", stopped.getEndTime());

        StepExecutionEntity[] steps = batch.getStepExecutions(id);
        assertThat(steps).isNotEmpty().allSatisfy(step -> {
            assertRecent(step.getStartTime(), before, "step startTime");
            assertRecent(step.getEndTime(), before, "step endTime");
            assertThat(step.getBatchStatus()).isEqualTo(BatchStatus.STOPPED);
        });

        // the stop may have come before the hold: the restart must not hold again
        Properties noHold = new Properties();
        noHold.setProperty("holdAtStep", "");
        JobExecutionEntity restarted = batch.restartJobExecution(id, noHold);
        assertThat(restarted.getExecutionId()).isGreaterThan(id);
        assertThat(restarted.getJobParameters()).containsEntry("epochs", "1").containsEntry("holdAtStep", "");
        assertThat(restarted.getCreateTime()).isAfterOrEqualTo(stopped.getEndTime());
        JobExecutionEntity completed = awaitExitStatus(batch, restarted.getExecutionId(), "COMPLETED");
        assertThat(completed.getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertRecent(completed.getEndTime(), before, "endTime of the restart");
    }

    private static JobExecutionEntity awaitExitStatus(BatchClient batch, long id, String prefix) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            JobExecutionEntity execution = batch.getJobExecution(id);
            if (ENDED.contains(execution.getBatchStatus()) && String.valueOf(execution.getExitStatus()).startsWith(prefix)) {
                return execution;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("execution " + id + " has not ended with an exit status starting with '"
                        + prefix + "': " + execution.getBatchStatus() + " " + execution.getExitStatus());
            }
            Thread.sleep(100);
        }
    }

    /** Between the test's start and now: the server runs on this machine's clock. */
    private static void assertRecent(Date date, Instant before, String what) {
        assertThat(date).as(what).isNotNull();
        assertThat(date.toInstant()).as(what).isBetween(before, Instant.now().plusSeconds(1));
    }

    /** The date as the client read it is the instant in the server's JSON, to the millisecond. */
    private void assertSameInstantAsTheServerWrote(long id, String field, Date read) throws Exception {
        Map<String, Object> json = new TrainingApi(base).get("api/jobexecutions/" + id).body();
        assertThat(Instant.parse((String) json.get(field))).as(field).isEqualTo(read.toInstant());
    }

    private static ClientBuilder authenticated(ClientBuilder builder) {
        return builder.register((ClientRequestFilter) request -> request.getHeaders()
                .putSingle(HttpHeaders.AUTHORIZATION, TestApiUsers.OPERATOR.basicAuthorization()));
    }
}
