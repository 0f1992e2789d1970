package dev.determinedbatch.standin;

import static dev.determinedbatch.standin.MasterCalls.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.json.JsonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class AuthAndErrorTests {

    @AutoClose
    private final StandInMaster master = StandInMaster.start();

    private static void assertMasterError(MasterCalls.Reply reply, int status, long code) {
        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.body()).containsOnlyKeys("code", "message", "details")
                .containsEntry("code", code).containsEntry("details", List.of());
        assertThat((String) reply.body().get("message")).isNotBlank();
    }

    @Test
    void theGoldenLoginBodyGetsAToken() throws IOException, InterruptedException {
        master.addUser("determined", "secretPW1");
        String line = Files.readString(Path.of("src/test/resources/golden/login.jsonl"), StandardCharsets.UTF_8).trim();
        Map<String, Object> recorded = JsonText.readJsonObject(line);
        assertThat((String) recorded.get("body")).contains(Users.clientHash("secretPW1"))
                .contains("744bb6b4");

        MasterCalls anonymous = new MasterCalls(master.url(), null);
        MasterCalls.Reply reply = anonymous.sendRaw("POST", "/api/v1/auth/login", (String) recorded.get("body"));
        assertThat(reply.status()).isEqualTo(200);
        String token = (String) reply.body().get("token");
        assertThat(MasterCalls.sub(reply.body(), "user")).containsEntry("username", "determined")
                .containsEntry("active", true).containsKey("admin");
        assertThat(anonymous.token(token).ok("GET", "/api/v1/me", null).get("user"))
                .isEqualTo(MasterCalls.sub(reply.body(), "user"));
    }

    @Test
    void theDefaultUserHasAnEmptyPasswordSentUnhashed() {
        MasterCalls calls = new MasterCalls(master.url(), null);
        calls.ok("POST", "/api/v1/auth/login", map("password", "", "username", "determined", "isHashed", true));
        assertThat(calls.login("determined", "").status()).isEqualTo(200);
        assertThat(calls.get("/api/v1/me").status()).isEqualTo(200);
    }

    @Test
    void aWrongPasswordOrUnknownUserIs401InvalidCredentials() {
        master.addUser("alice", "pw");
        MasterCalls calls = new MasterCalls(master.url(), null);
        MasterCalls.Reply wrong = calls.login("alice", "nope");
        assertMasterError(wrong, 401, 16);
        assertThat(wrong.body()).containsEntry("message", "invalid credentials");
        assertMasterError(calls.login("bob", "pw"), 401, 16);
        assertMasterError(calls.login("alice", ""), 401, 16);
        assertThat(calls.login("alice", "pw").status()).isEqualTo(200);
        assertThat(MasterCalls.sub(calls.get("/api/v1/me").body(), "user")).containsEntry("username", "alice");
    }

    @Test
    void callsWithoutAValidTokenAre401() {
        assertMasterError(new MasterCalls(master.url(), null).get("/api/v1/master"), 401, 16);
        assertMasterError(new MasterCalls(master.url(), "forged").get("/api/v1/me"), 401, 16);
    }

    @Test
    void taskLogsNeedNoTokenAndAreAnsweredWithTheEmptyJsonString() {
        // master/internal/core.go: postTaskLogs returns "", outside the authenticated /api/v1 routes
        MasterCalls.Reply reply = new MasterCalls(master.url(), null).send("POST", "/task-logs", List.of(
                map("task_id", "1.a", "timestamp", "2026-01-01T00:00:00+00:00", "rank", "0", "log", "one\n")));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).isEqualTo("");
        assertThat(master.state().taskLogs("1.a")).containsExactly("one");
    }

    @Test
    void expiredTokensAre401UntilTheClientLogsInAgain() {
        MasterCalls calls = MasterCalls.as(master);
        calls.ok("GET", "/api/v1/master", null);
        master.expireTokens();
        assertMasterError(calls.get("/api/v1/master"), 401, 16);
        assertThat(calls.login("determined", "").status()).isEqualTo(200);
        calls.ok("GET", "/api/v1/master", null);
    }

    @Test
    void unknownRoutesWrongMethodsAndMalformedBodiesGetMasterErrors() throws IOException, InterruptedException {
        MasterCalls calls = MasterCalls.as(master);
        assertMasterError(calls.get("/api/v1/nothing-here"), 404, 5);
        assertMasterError(calls.get("/api/v1/trials"), 405, 12);

        MasterCalls.Reply malformed = calls.sendRaw("POST", "/api/v1/experiments", "{\"config\": ");
        assertMasterError(malformed, 400, 3);
        assertThat((String) malformed.body().get("message")).contains("malformed request body");

        MasterCalls.Reply yaml = calls.send("POST", "/api/v1/experiments",
                map("config", "name: [unclosed\n", "unmanaged", true));
        assertMasterError(yaml, 400, 3);
        assertThat((String) yaml.body().get("message")).contains("YAML");

        MasterCalls.Reply notAMapping = calls.send("POST", "/api/v1/experiments",
                map("config", "- just\n- a list\n", "unmanaged", true));
        assertMasterError(notAMapping, 400, 3);
        assertThat(master.state().experiments()).isEmpty();
    }

    @Test
    void everyRequestIsRecordedWithItsStatus() {
        MasterCalls calls = MasterCalls.as(master);
        calls.get("/api/v1/master");
        calls.get("/api/v1/nothing-here");
        new MasterCalls(master.url(), null).get("/api/v1/me");
        assertThat(master.requests()).extracting(RecordedRequest::toString)
                .containsExactly("GET /api/v1/master 200", "GET /api/v1/nothing-here 404", "GET /api/v1/me 401");
        assertThat(master.requests().get(0).header("authorization")).startsWith("Bearer ");
        master.clearRequests();
        assertThat(master.requests()).isEmpty();
    }
}
