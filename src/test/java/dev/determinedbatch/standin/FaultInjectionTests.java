package dev.determinedbatch.standin;

import static dev.determinedbatch.standin.MasterCalls.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class FaultInjectionTests {

    @AutoClose
    private final StandInMaster master = StandInMaster.start();
    private final MasterCalls calls = MasterCalls.as(master);

    @Test
    void theNextMatchingRequestsFailThenSucceed() {
        long trial = ((Number) calls.newTrial("faults").get("id")).longValue();
        calls.start(trial);
        master.faults().failNext(2, "POST", "/api/v1/trials/\\d+/metrics", 503);

        MasterCalls.Reply first = calls.reportMetrics(trial, 1, "training", 1, map("loss", 1.0));
        assertThat(first.status()).isEqualTo(503);
        assertThat(first.body()).containsEntry("code", 14L).containsKeys("message", "details");
        calls.get("/api/v1/master").assertOk(); // another route is not affected
        assertThat(calls.reportMetrics(trial, 1, "training", 1, map("loss", 1.0)).status()).isEqualTo(503);
        calls.reportMetrics(trial, 1, "training", 1, map("loss", 1.0)).assertOk();

        assertThat(master.requests()).filteredOn(r -> r.path().endsWith("/metrics"))
                .extracting(RecordedRequest::status).containsExactly(503, 503, 200);
        assertThat(master.state().metrics(trial)).hasSize(1);
    }

    @Test
    void anOutageAnswers503ToEverythingUntilItEnds() {
        master.faults().beginOutage();
        assertThat(calls.get("/api/v1/master").status()).isEqualTo(503);
        assertThat(calls.login("determined", "").status()).isEqualTo(503);
        master.faults().endOutage();
        calls.get("/api/v1/master").assertOk();
    }

    @Test
    void refusedConnectionsResumeOnTheSamePort() throws Exception {
        long experiment = calls.putExperiment("kept");
        int port = master.port();
        master.faults().refuseConnections();
        assertThatThrownBy(() -> calls.sendRaw("GET", "/api/v1/master", null))
                .isInstanceOf(ConnectException.class);

        master.faults().acceptConnections();
        assertThat(master.port()).isEqualTo(port);
        assertThat(master.url()).endsWith(":" + port);
        calls.get("/api/v1/master").assertOk();
        assertThat(calls.putExperiment("kept")).isEqualTo(experiment);
    }

    @Test
    void aDelayOutlastsAClientTimeoutUntilReleased() throws Exception {
        master.faults().delay(Duration.ofMinutes(1));
        MasterCalls impatient = MasterCalls.as(master).timeout(Duration.ofMillis(200));
        assertThatThrownBy(() -> impatient.sendRaw("GET", "/api/v1/master", null))
                .isInstanceOf(HttpTimeoutException.class);

        CompletableFuture<HttpResponse<String>> waiting = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(URI.create(master.url() + "/api/v1/me"))
                        .header("Authorization", "Bearer " + master.issueToken("determined"))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(master.faults().awaitHeld(2, Duration.ofSeconds(10))).isTrue();
        assertThat(waiting).isNotDone();
        master.faults().releaseDelays();
        assertThat(waiting.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        // the timed-out request was answered too, once released
        assertThat(master.awaitRequest(r -> r.path().equals("/api/v1/master"), Duration.ofSeconds(10)))
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(200));
    }

    @Test
    void aDelayOnOnePathLeavesTheOthersAlone() {
        master.faults().delay("POST", ".*/metrics", Duration.ofMinutes(1));
        calls.timeout(Duration.ofSeconds(5)).get("/api/v1/master").assertOk();
    }

    @Test
    void closingReleasesDelayedRequests() throws Exception {
        master.faults().delay(Duration.ofMinutes(10));
        CompletableFuture<HttpResponse<String>> waiting = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(URI.create(master.url() + "/api/v1/master"))
                        .timeout(Duration.ofMinutes(1)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(master.faults().awaitHeld(1, Duration.ofSeconds(10))).isTrue();
        master.close();
        // answered or cut off, but never left hanging
        assertThat(waiting.handle((response, error) -> "done").get(10, TimeUnit.SECONDS)).isEqualTo("done");
    }

    @Test
    void expiredTokensGet401AndALoginWorksAgain() {
        calls.get("/api/v1/me").assertOk();
        master.faults().expireTokens();
        MasterCalls.Reply expired = calls.get("/api/v1/me");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.body()).containsEntry("code", 16L);
        calls.login("determined", "").assertOk();
        calls.get("/api/v1/me").assertOk();
    }

    @Test
    void clearEndsEveryFault() {
        master.faults().failNext(5, 500).beginOutage().refuseConnections();
        master.faults().clear();
        calls.get("/api/v1/master").assertOk();
    }
}
