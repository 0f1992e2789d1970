package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.standin.Trial;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.junit.jupiter.api.Test;

/**
 * Job parameters over HTTP in a real WildFly: a JSON number or boolean is the parameter as written
 * and the job runs with it; a body that is not a JSON object of such values, one over the size
 * limit, or parameters that JBeret's job repository would not keep as given are answered with an
 * {@code ApiError} naming the problem, and no job instance or execution is created.
 */
@RunAsClient
class JobParametersIT extends OnTestServer {

    private static final String JSON = "application/json";

    /** A request that must be refused: its status and the start of its message. */
    private record Refused(String what, HttpRequest.BodyPublisher body, int status, String message) {
    }

    @Test
    void aJsonNumberOrBooleanIsTheParameterAsWrittenAndTheJobRunsWithIt() throws Exception {
        TrainingApi api = new TrainingApi(base);
        String trialId = "numbers-" + UUID.randomUUID();
        TrainingApi.Answer started = api.post("api/jobs/train/start", JSON, BodyPublishers.ofString(
                "{\"epochs\": 1, \"learningRate\": 0.05, \"checkpointEverySteps\": 45, \"seed\": 7, \"verbose\": true,"
                        + " \"externalExperimentId\": \"it\", \"externalTrialId\": \"" + trialId + "\"}"));

        assertThat(started.status()).as(started.text()).isEqualTo(201);
        assertThat(started.body().get("jobParameters")).isEqualTo(Map.of("epochs", "1", "learningRate", "0.05",
                "checkpointEverySteps", "45", "seed", "7", "verbose", "true", "externalExperimentId", "it",
                "externalTrialId", trialId));
        long id = started.executionId();
        assertThat(api.awaitEnd(id)).containsEntry("batchStatus", "COMPLETED");
        // one epoch of 45 steps, not the default 30
        assertThat(api.training(id)).containsEntry("stepsCompleted", 45L).containsEntry("totalSteps", 45L);
        Trial trial = StandInTrials.await(master, trialId, "STATE_COMPLETED");
        assertThat(trial.hparams()).containsEntry("epochs", 1L).containsEntry("learningRate", 0.05);
    }

    @Test
    void malformedBodiesAndParametersTheJobRepositoryWouldNotKeepAreRefusedAndCreateNothing() throws Exception {
        TrainingApi api = new TrainingApi(base);
        String tenMegabytes = "{\"checkpointStorage\": \"" + "x".repeat(10_000_000) + "\"}";
        List<Refused> refused = new ArrayList<>(List.of(
                new Refused("not JSON", BodyPublishers.ofString("epochs=1"), 400,
                        "the request body is not valid JSON: "),
                new Refused("an array", BodyPublishers.ofString("[{\"epochs\": 1}]"), 400,
                        "the request body must be a JSON object of job parameters, such as {\"epochs\": \"10\"};"
                                + " got a JSON array"),
                new Refused("null", BodyPublishers.ofString("{\"epochs\": null}"), 400,
                        "job parameter 'epochs' is null; give a string, a number or a boolean"),
                new Refused("an object value", BodyPublishers.ofString("{\"epochs\": {\"value\": 1}}"), 400,
                        "job parameter 'epochs' is a JSON object; give a string, a number or a boolean"),
                new Refused("an array value", BodyPublishers.ofString("{\"epochs\": [1]}"), 400,
                        "job parameter 'epochs' is a JSON array; give a string, a number or a boolean"),
                new Refused("10 MB, announced", BodyPublishers.ofString(tenMegabytes), 400,
                        "the request body announces (Content-Length) more than 65536 bytes (64 KiB), the limit for"
                                + " job parameters"),
                new Refused("10 MB, chunked", BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                        tenMegabytes.getBytes(StandardCharsets.UTF_8))), 400,
                        "the request body has more than 65536 bytes (64 KiB), the limit for job parameters"),
                new Refused("over the column", BodyPublishers.ofString(
                        "{\"checkpointStorage\": \"" + "x".repeat(3000) + "\"}"), 400,
                        "job parameters would take 3051 characters in JBeret's job repository, more than its 3000"
                                + " (JOB_EXECUTION.JOBPARAMETERS, with the jberet.jobXmlName that JBeret adds); the"
                                + " longest is 'checkpointStorage'"),
                new Refused("a line break", BodyPublishers.ofString("{\"dataset\": \"/a\\nseed = 9\"}"), 400,
                        "job parameter 'dataset' contains a line break")));
        int instances = api.jobInstances("train");

        for (Refused request : refused) {
            assertRefused(api.post("api/jobs/train/start", JSON, request.body()), request.what(), request.status(),
                    request.message());
        }
        assertRefused(api.post("api/jobs/train/start?checkpointStorage=" + "q".repeat(2990), JSON,
                        BodyPublishers.ofString("{}")), "a query parameter over the column", 400,
                "job parameters would take 3041 characters in JBeret's job repository, more than its 3000");
        assertRefused(api.post("api/jobs/train/start?seed=" + URLEncoder.encode("7\n", StandardCharsets.UTF_8), JSON,
                BodyPublishers.ofString("{}")), "a query parameter with a line break", 400,
                "job parameter 'seed' contains a line break");

        assertThat(api.jobInstances("train")).isEqualTo(instances);
    }

    @Test
    void restartsTakeNumbersAsWrittenAndRefuseWhatStartsRefuseAddingNoExecution() throws Exception {
        TrainingApi api = new TrainingApi(base);
        Map<String, String> parameters = TrainingJobIT.parameters("restarted");
        parameters.put("epochs", "1");
        parameters.put("stopAtStep", "5");
        long first = api.start("train-hooked", parameters).executionId();
        assertThat(api.awaitEnd(first)).containsEntry("batchStatus", "STOPPED");
        api.awaitExitStatus(first, "STOPPED steps=5/");
        // the parameters as JBeret holds them, with the jberet.jobXmlName it added when the execution stopped
        @SuppressWarnings("unchecked")
        Map<String, String> original = (Map<String, String>) api.get("api/jobexecutions/" + first).body()
                .get("jobParameters");
        assertThat(original).containsAllEntriesOf(parameters).containsEntry("jberet.jobXmlName", "train-hooked.xml");
        String room = "r".repeat(3000 - storedLength(original) - "checkpointStorage = \n".length() + 1);

        List<String> paths = List.of("api/jobexecutions/" + first + "/restart", "api/jobs/train-hooked/restart");
        for (String path : paths) {
            assertRefused(api.post(path, JSON, BodyPublishers.ofString("{\"reportEverySteps\": null}")),
                    path + " null", 400, "job parameter 'reportEverySteps' is null");
            assertRefused(api.post(path, JSON, BodyPublishers.ofString("[]")),
                    path + " array", 400, "the request body must be a JSON object");
            assertRefused(api.post(path, JSON, BodyPublishers.ofString("{\"checkpointStorage\": \"" + room + "\"}")),
                    path + " over the column with the original's", 400,
                    "the restart's job parameters (the original execution's with these) would take 3001"
                            + " characters in JBeret's job repository, more than its 3000");
        }
        assertThat(api.executionsOfTheInstanceOf(first)).isEqualTo(1);

        TrainingApi.Answer restarted = api.post(paths.get(0), JSON,
                BodyPublishers.ofString("{\"reportEverySteps\": 5, \"verbose\": false}"));
        assertThat(restarted.status()).as(restarted.text()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, Object> shown = (Map<String, Object>) restarted.body().get("jobParameters");
        assertThat(shown).containsEntry("reportEverySteps", "5").containsEntry("verbose", "false")
                .containsEntry("epochs", "1").containsEntry("externalTrialId", parameters.get("externalTrialId"));
        assertThat(api.awaitEnd(restarted.executionId())).containsEntry("batchStatus", "COMPLETED");
        assertThat(api.executionsOfTheInstanceOf(first)).isEqualTo(2);
    }

    @Test
    void jobDefinitionsSentOverHttpAreNotRunAndCreateNothing() throws Exception {
        TrainingApi api = new TrainingApi(base);
        int instances = api.jobInstances("train");
        String job = "<job id=\"train\" xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"2.0\">"
                + "<step id=\"s\"><batchlet ref=\"anything\"/></step></job>";
        for (String path : List.of("api/jobs/submit", "api/jobexecutions/1/resubmit")) {
            assertRefused(api.post(path, "application/xml", BodyPublishers.ofString(job)), path, 501,
                    "job definitions sent over HTTP are not run by this server");
        }
        assertThat(api.jobInstances("train")).isEqualTo(instances);
    }

    private static void assertRefused(TrainingApi.Answer answer, String what, int status, String message) {
        assertThat(answer.status()).as(what + ": " + answer.text()).isEqualTo(status);
        assertThat(answer.body()).as(what).containsEntry("status", (long) status).containsKey("error");
        assertThat((String) answer.body().get("message")).as(what).startsWith(message);
    }

    /** Characters of JBeret's stored form of {@code parameters}: {@code name = value} and a line end each. */
    private static int storedLength(Map<String, String> parameters) {
        return parameters.entrySet().stream().mapToInt(e -> e.getKey().length() + 3 + e.getValue().length() + 1).sum();
    }
}
