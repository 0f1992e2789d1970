package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.standin.Checkpoint;
import dev.determinedbatch.standin.MetricReport;
import dev.determinedbatch.standin.Trial;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.junit.jupiter.api.Test;

/**
 * The training job in a real WildFly, reporting to the master stand-in (the server's
 * {@code det.master}), driven over the job-control API as a user would.
 */
@RunAsClient
class TrainingJobIT extends OnTestServer {



    @Test
    void aFullRunCompletesWithTheExpectedCheckpointsAndMetrics() throws Exception {
        TrainingApi api = new TrainingApi(base);
        Map<String, String> parameters = parameters("full");
        long id = api.start("train", parameters).executionId();

        Map<String, Object> execution = api.awaitEnd(id);
        assertThat(execution).containsEntry("batchStatus", "COMPLETED");

        Trial trial = awaitTrial(parameters, "STATE_COMPLETED");
        assertThat(trial.hparams()).containsEntry("epochs", 4L).containsEntry("batchSize", 32L)
                .containsEntry("checkpointEverySteps", 45L).containsEntry("reportEverySteps", 10L);
        assertThat(master.state().checkpoints(trial.id())).extracting(Checkpoint::stepsCompleted)
                .containsExactly(45L, 90L, 135L, 180L);
        List<MetricReport> metrics = master.state().metrics(trial.id());
        assertThat(metrics).filteredOn(m -> m.group().equals("training")).extracting(MetricReport::stepsCompleted)
                .containsExactly(10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 100L, 110L, 120L, 130L, 140L,
                        150L, 160L, 170L, 180L);
        assertThat(metrics).filteredOn(m -> m.group().equals("validation")).extracting(MetricReport::stepsCompleted)
                .containsExactly(45L, 90L, 135L, 180L);

        Map<String, Object> status = api.training(id);
        assertThat(status).containsEntry("batchStatus", "COMPLETED").containsEntry("stepsCompleted", 180L)
                .containsEntry("totalSteps", 180L).containsEntry("trialId", trial.id());
        assertThat((String) status.get("modelSha256")).matches("[0-9a-f]{64}");
        @SuppressWarnings("unchecked")
        Map<String, Object> validation = (Map<String, Object>) ((Map<String, Object>) status.get("metrics")).get("validation");
        assertThat(((Number) validation.get("accuracy")).doubleValue()).isGreaterThan(0.9);
    }

    @Test
    void aStoppedRunRestartedEndsWithTheWeightsOfAnUninterruptedOne() throws Exception {
        TrainingApi api = new TrainingApi(base);
        String uninterrupted = finalSha(api, parameters("reference"));

        Map<String, String> parameters = parameters("stopped");
        parameters.put("stopAtStep", "50");
        long first = api.start("train-hooked", parameters).executionId();
        assertThat(api.awaitEnd(first)).containsEntry("batchStatus", "STOPPED");
        Trial trial = awaitTrial(parameters, "STATE_PAUSED");
        assertThat(master.state().checkpoints(trial.id())).extracting(Checkpoint::stepsCompleted).containsExactly(45L, 50L);
        api.awaitExitStatus(first, "STOPPED steps=50/180");

        long second = api.restart(first, "restart of the stopped execution");
        assertThat(api.awaitEnd(second)).containsEntry("batchStatus", "COMPLETED");
        assertThat(api.training(second)).containsEntry("modelSha256", uninterrupted);
        awaitTrial(parameters, "STATE_COMPLETED");
    }

    @Test
    void aFailedRunRestartedRollsBackItsLostMetricsAndMatchesAnUninterruptedOne() throws Exception {
        TrainingApi api = new TrainingApi(base);
        String uninterrupted = finalSha(api, parameters("reference-2"));

        Map<String, String> parameters = parameters("failed");
        parameters.put("failAtStep", "52");
        long first = api.start("train-hooked", parameters).executionId();
        assertThat(api.awaitEnd(first)).containsEntry("batchStatus", "FAILED");
        Trial trial = awaitTrial(parameters, "STATE_ERROR");
        assertThat((String) api.awaitExitStatus(first, "FAILED: ").get("exitStatus"))
                .isEqualTo("FAILED: test hook: failing at step 52");

        long second = api.restart(first, "restart of the failed execution");
        assertThat(api.awaitEnd(second)).containsEntry("batchStatus", "COMPLETED");
        assertThat(api.training(second)).containsEntry("modelSha256", uninterrupted);
        awaitTrial(parameters, "STATE_COMPLETED");

        // run 1 reported step 50, then failed; run 2 resumed from step 45 and reported it again
        List<MetricReport> at50 = master.state().metrics(trial.id()).stream()
                .filter(m -> m.group().equals("training") && m.stepsCompleted() == 50).toList();
        assertThat(at50).extracting(MetricReport::trialRunId, MetricReport::archived)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(1, true),
                        org.assertj.core.groups.Tuple.tuple(2, false));
    }

    @Test
    void aFreshStartWithTheSameExternalIdsResumesFromTheMastersLatestCheckpoint() throws Exception {
        TrainingApi api = new TrainingApi(base);
        String uninterrupted = finalSha(api, parameters("reference-3"));

        Map<String, String> parameters = parameters("fresh");
        parameters.put("stopAtStep", "100");
        long first = api.start("train-hooked", parameters).executionId();
        assertThat(api.awaitEnd(first)).containsEntry("batchStatus", "STOPPED");
        api.awaitExitStatus(first, "STOPPED steps=100/180");

        // a new job instance knows no checkpoint; the master's latestCheckpoint is the one to resume from
        parameters.remove("stopAtStep");
        long fresh = api.start("train", parameters).executionId();
        assertThat(api.awaitEnd(fresh)).containsEntry("batchStatus", "COMPLETED");
        assertThat(api.training(fresh)).containsEntry("modelSha256", uninterrupted);
        Trial trial = awaitTrial(parameters, "STATE_COMPLETED");
        // run 2 trains and reports only the steps after 100; its data counts go at the step it starts from
        assertThat(master.state().metrics(trial.id())).filteredOn(m -> m.trialRunId() == 2 && !m.group().equals("dataset"))
                .isNotEmpty().allMatch(m -> m.stepsCompleted() > 100);
        assertThat(master.state().metrics(trial.id())).filteredOn(m -> m.trialRunId() == 2 && m.group().equals("dataset"))
                .extracting(MetricReport::stepsCompleted).containsExactly(100L);
    }

    @Test
    void aSecondExecutionOfARunningTrialIsRefusedNamingTheFirst() throws Exception {
        TrainingApi api = new TrainingApi(base);
        Map<String, String> parameters = parameters("busy");
        parameters.put("holdAtStep", "5");
        long first = api.start("train-hooked", parameters).executionId();
        String trialId = parameters.get("externalTrialId");
        StandInTrials.await(master, trialId, "STATE_RUNNING");

        parameters.remove("holdAtStep");
        long second = api.start("train", parameters).executionId();
        Map<String, Object> refused = api.awaitExitStatus(second, "FAILED: ");
        assertThat(refused).containsEntry("batchStatus", "FAILED");
        assertThat((String) refused.get("exitStatus")).contains("already being trained by job execution " + first);

        assertThat(api.post("api/jobexecutions/" + first + "/stop", Map.of()).status()).isBetween(200, 204);
        assertThat(api.awaitEnd(first)).containsEntry("batchStatus", "STOPPED");
    }

    @Test
    void wildflysOwnBatchManagementStartsAndRestartsTheJob() throws Exception {
        TrainingApi api = new TrainingApi(base);
        String uninterrupted = finalSha(api, parameters("reference-cli"));
        Map<String, String> parameters = parameters("cli");
        parameters.put("stopAtStep", "60");
        String properties = parameters.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                .collect(java.util.stream.Collectors.joining(","));

        long first = JbossCli.result("/deployment=determined-batch.war/subsystem=batch-jberet:start-job("
                + "job-xml-name=train-hooked,properties={" + properties + "})");
        assertThat(api.awaitEnd(first)).containsEntry("batchStatus", "STOPPED");
        api.awaitExitStatus(first, "STOPPED steps=60/180");
        long second = JbossCli.result("/deployment=determined-batch.war/subsystem=batch-jberet:restart-job("
                + "execution-id=" + first + ")");
        assertThat(api.awaitEnd(second)).containsEntry("batchStatus", "COMPLETED");
        assertThat(api.training(second)).containsEntry("modelSha256", uninterrupted);
    }

    @Test
    void unknownExecutionsAnswer404WithAMessage() throws Exception {
        TrainingApi api = new TrainingApi(base);
        for (String path : List.of("api/training/987654", "api/jobexecutions/987654")) {
            TrainingApi.Answer answer = api.get(path);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat((String) answer.body().get("message")).as(path).contains("987654");
        }
    }

    @Test
    void readinessFollowsTheMaster() throws Exception {
        TrainingApi health = new TrainingApi(new URL("http://127.0.0.1:" + System.getProperty("it.management.http.port") + "/"));
        TrainingApi.Answer up = health.get("health/ready");
        assertThat(up.status()).as(up.toString()).isEqualTo(200);
        assertThat(up.body().toString()).contains("determined-batch").contains("UP");

        master.faults().refuseConnections();
        try {
            TrainingApi.Answer down = health.get("health/ready");
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.body().toString()).contains("cannot reach the Determined master at http://127.0.0.1:");
        } finally {
            master.faults().acceptConnections();
        }
    }

    private static String finalSha(TrainingApi api, Map<String, String> parameters) throws Exception {
        long id = api.start("train", parameters).executionId();
        assertThat(api.awaitEnd(id)).containsEntry("batchStatus", "COMPLETED");
        return (String) api.training(id).get("modelSha256");
    }

    private static Trial awaitTrial(Map<String, String> parameters, String state) throws InterruptedException {
        return StandInTrials.await(master, parameters.get("externalTrialId"), state);
    }

    /** Job parameters of a short run (4 epochs, 180 steps, a checkpoint every 45) of a new trial. */
    static Map<String, String> parameters(String name) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("epochs", "4");
        parameters.put("checkpointEverySteps", "45");
        parameters.put("reportEverySteps", "10");
        parameters.put("seed", "7");
        parameters.put("externalExperimentId", "it");
        parameters.put("externalTrialId", name + "-" + UUID.randomUUID());
        return parameters;
    }
}
