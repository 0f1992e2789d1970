package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.standin.RecordedRequest;
import dev.determinedbatch.standin.Users;
import dev.determinedbatch.testsupport.ApiUser;
import dev.determinedbatch.testsupport.TestApiUsers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The job-control API needs a user (server-config/security.cli, the WAR's web.xml): none gets 401,
 * a viewer may only read, an operator may do everything; the server logs in to the master with a
 * password from its secrets directory; no password shows in an answer or in the server's log.
 */
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthenticationIT extends OnTestServer {

    private static final String WRONG_PASSWORD = "not-" + TestApiUsers.OPERATOR.password();
    private static final Pattern TRIAL_START =
            Pattern.compile("/api/v1/experiments.*|/api/v1/trials|/api/v1/trials/\\d+/start|/api/v1/runs/start");
    private static final List<TrainingApi.Answer> ANSWERS = new ArrayList<>();


    @Test
    @Order(1)
    void withoutCredentialsOrWithAWrongPasswordEveryCallIs401AndNothingStarts() throws Exception {
        int instances = jobInstances("train");
        int trialStarts = trialStarts();
        List<TrainingApi> refused = List.of(new TrainingApi(base, null),
                new TrainingApi(base, TestApiUsers.OPERATOR.withPassword(WRONG_PASSWORD)),
                new TrainingApi(base, new ApiUser("nobody", TestApiUsers.OPERATOR.password())));
        for (TrainingApi api : refused) {
            for (String path : List.of("api/jobs", "api/jobexecutions", "api/jobexecutions/1", "api/training/1")) {
                assertThat(kept(api.get(path)).status()).as("GET " + path).isEqualTo(401);
            }
            assertThat(kept(api.post("api/jobs/train/start", parameters("anonymous"))).status()).isEqualTo(401);
            assertThat(kept(api.post("api/jobexecutions/1/restart", Map.of())).status()).isEqualTo(401);
        }
        assertThat(jobInstances("train")).isEqualTo(instances);
        assertThat(trialStarts()).isEqualTo(trialStarts);
    }

    @Test
    @Order(2)
    void aViewerReadsStatusButCannotStartStopOrRestart() throws Exception {
        TrainingApi operator = new TrainingApi(base);
        TrainingApi viewer = new TrainingApi(base, TestApiUsers.VIEWER);
        Map<String, String> parameters = parameters("viewed");
        parameters.put("holdAtStep", "5");
        long running = operator.start("train-hooked", parameters).executionId();
        StandInTrials.await(master, parameters.get("externalTrialId"), "STATE_RUNNING");

        assertThat(kept(viewer.get("api/jobexecutions/" + running)).body()).containsEntry("batchStatus", "STARTED");
        assertThat(kept(viewer.get("api/training/" + running)).status()).isEqualTo(200);
        assertThat(kept(viewer.get("api/jobs")).status()).isEqualTo(200);
        assertThat(kept(viewer.get("api/jobinstances?jobExecutionId=" + running)).status()).isEqualTo(200);

        int instances = jobInstances("train");
        int trialStarts = trialStarts();
        assertForbidden(viewer, "api/jobs/train/start", parameters("forbidden"));
        assertForbidden(viewer, "api/jobexecutions/" + running + "/stop", Map.of());
        assertForbidden(viewer, "api/jobexecutions/" + running + "/abandon", Map.of());
        assertThat(kept(viewer.get("api/jobexecutions/" + running)).body()).containsEntry("batchStatus", "STARTED");

        assertThat(operator.post("api/jobexecutions/" + running + "/stop", Map.of()).status()).isBetween(200, 204);
        assertThat(operator.awaitEnd(running)).containsEntry("batchStatus", "STOPPED");
        StandInTrials.await(master, parameters.get("externalTrialId"), "STATE_PAUSED");
        assertForbidden(viewer, "api/jobexecutions/" + running + "/restart", Map.of());
        assertForbidden(viewer, "api/jobs/train-hooked/restart", Map.of());

        assertThat(jobInstances("train")).isEqualTo(instances);
        assertThat(executionsOfTheInstanceOf(running)).isEqualTo(1);
        assertThat(trialStarts()).isEqualTo(trialStarts);
        assertThat(kept(viewer.get("api/jobexecutions/" + running)).body()).containsEntry("batchStatus", "STOPPED");
    }

    @Test
    @Order(3)
    void anOperatorStartsAJobThatLogsInToTheMasterWithThePasswordOfTheSecretsFile() throws Exception {
        TrainingApi operator = new TrainingApi(base);
        Map<String, String> parameters = parameters("operated");
        parameters.put("epochs", "1");
        TrainingApi.Answer started = kept(operator.post("api/jobs/train/start", parameters));
        assertThat(started.status()).isEqualTo(201);
        assertThat(kept(operator.get("api/jobexecutions/" + started.executionId())).status()).isEqualTo(200);
        assertThat(operator.awaitEnd(started.executionId())).containsEntry("batchStatus", "COMPLETED");
        kept(operator.get("api/training/" + started.executionId()));

        List<RecordedRequest> logins = master.requests().stream()
                .filter(r -> r.path().equals("/api/v1/auth/login")).toList();
        assertThat(logins).isNotEmpty().allSatisfy(login -> {
            assertThat(login.status()).isEqualTo(200);
            assertThat(JsonText.readJsonObject(login.body())).containsEntry("username", ItMaster.secret("det.user"));
        });
    }

    @Test
    @Order(4)
    void noPasswordShowsInAnyAnswerOrInTheServerLog() throws Exception {
        String masterPassword = ItMaster.secret("DET_PASS");
        List<String> secrets = List.of(TestApiUsers.OPERATOR.password(), TestApiUsers.VIEWER.password(),
                WRONG_PASSWORD, masterPassword, Users.clientHash(masterPassword),
                TestApiUsers.OPERATOR.basicAuthorization().substring("Basic ".length()),
                TestApiUsers.VIEWER.basicAuthorization().substring("Basic ".length()));
        assertThat(ANSWERS).hasSizeGreaterThan(20)
                .extracting(a -> a.status()).contains(200, 201, 401, 403);
        for (TrainingApi.Answer answer : ANSWERS) {
            assertThat(answer.text()).as("answer " + answer.status()).doesNotContain(secrets);
        }
        String log = Files.readString(Path.of(System.getProperty("it.server.dir"), "standalone", "log", "server.log"),
                StandardCharsets.UTF_8);
        assertThat(log).as("server.log").contains("execution").doesNotContain(secrets);
    }

    private static void assertForbidden(TrainingApi viewer, String path, Map<String, ?> body) throws Exception {
        assertThat(kept(viewer.post(path, body)).status()).as("POST " + path).isEqualTo(403);
    }

    private static TrainingApi.Answer kept(TrainingApi.Answer answer) {
        ANSWERS.add(answer);
        return answer;
    }

    /**
     * Instances of {@code job}, counted by the operator. (Not every execution: the job repository
     * also holds other tests' executions of jobs this deployment does not know, which JBeret's
     * listing of all executions fails on.)
     */
    private int jobInstances(String job) throws Exception {
        TrainingApi.Answer count = new TrainingApi(base).get("api/jobinstances/count?jobName=" + job);
        assertThat(count.status()).as(count.text()).isEqualTo(200);
        return ((Number) JsonText.read(count.text())).intValue();
    }

    /** Executions of the job instance that {@code execution} belongs to, counted by the operator. */
    private int executionsOfTheInstanceOf(long execution) throws Exception {
        TrainingApi.Answer instance = new TrainingApi(base).get("api/jobinstances?jobExecutionId=" + execution);
        assertThat(instance.status()).as(instance.text()).isEqualTo(200);
        return ((Number) instance.body().get("numberOfJobExecutions")).intValue();
    }

    /** Requests the stand-in got that open a trial or a run of one: what a started or restarted job sends. */
    private static int trialStarts() {
        return (int) master.requests().stream().filter(r -> TRIAL_START.matcher(r.path()).matches()).count();
    }

    private static Map<String, String> parameters(String name) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("epochs", "2");
        parameters.put("checkpointEverySteps", "45");
        parameters.put("externalExperimentId", "it-auth");
        parameters.put("externalTrialId", name + "-" + UUID.randomUUID());
        return parameters;
    }
}
