package dev.determinedbatch.client.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.client.ManualScheduler;
import dev.determinedbatch.client.SessionOptions;
import dev.determinedbatch.client.TrialSession;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.standin.RecordedRequest;
import dev.determinedbatch.standin.SelfSignedCertificate;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DET_MASTER_CERT_FILE} and {@code DET_MASTER_CERT_NAME} against the stand-in over HTTPS,
 * whose self-signed certificate carries the name det-master.test and not the URL's 127.0.0.1.
 */
class MasterTlsTests {

    private static final String NAME = "det-master.test";
    private static final String PASSWORD = "tls-pass-4711";

    @TempDir
    static Path certificates;
    private static SelfSignedCertificate server;
    /** Same name, another key: a certificate authority the master's certificate does not come from. */
    private static SelfSignedCertificate unrelated;

    @TempDir
    Path checkpointDir;
    private StandInMaster master;
    private final ManualScheduler time = new ManualScheduler();

    @BeforeAll
    static void makeCertificates() {
        server = SelfSignedCertificate.create(certificates, NAME, "dns:" + NAME);
        unrelated = SelfSignedCertificate.create(certificates, NAME, "dns:" + NAME);
    }

    @BeforeEach
    void startMaster() {
        master = startHttps(server);
    }

    @AfterEach
    void stopMaster() {
        master.close();
    }

    @Test
    void theMastersCertificateAndItsNameAreTrusted() throws IOException {
        try (TrialSession session = TrialSession.init(spec(), options(new MasterTls(server.pem().toString(), NAME)))) {
            assertThat(master.state().trial(session.info().trialId()).externalTrialId()).isEqualTo("trial");
        }
        assertThat(master.url()).startsWith("https://127.0.0.1:");
        assertThat(master.requests()).extracting(RecordedRequest::path)
                .startsWith("/api/v1/auth/login").contains("/api/v1/trials");
    }

    @Test
    void withoutTheCertNameTheUrlsHostMustMatch() {
        assertUnreachable(new MasterTls(server.pem().toString(), null), SSLPeerUnverifiedException.class);
    }

    @Test
    void theJvmsDefaultTrustRefusesASelfSignedCertificate() {
        assertUnreachable(MasterTls.defaults(), SSLHandshakeException.class);
        assertUnreachable(new MasterTls(null, NAME), SSLHandshakeException.class);
    }

    @Test
    void anotherCertificateIsNoAuthority() {
        assertUnreachable(new MasterTls(unrelated.pem().toString(), NAME), SSLHandshakeException.class);
    }

    @Test
    void aCertNameTheCertificateDoesNotCarryIsRefusedByThatName() {
        assertUnreachable(new MasterTls(server.pem().toString(), "other-master.test"), CertificateException.class)
                .hasMessageContaining("not for DET_MASTER_CERT_NAME 'other-master.test'; it is for [" + NAME + "]");
    }

    @Test
    void aCertNameMatchesTheCommonNameOfACertificateWithoutAlternativeNames() throws IOException {
        SelfSignedCertificate commonNameOnly = SelfSignedCertificate.create(certificates, NAME, null);
        try (StandInMaster other = startHttps(commonNameOnly);
             TrialSession session = TrialSession.init(spec(),
                     options(other, new MasterTls(commonNameOnly.pem().toString(), NAME)))) {
            assertThat(session.info().trialId()).isPositive();
        }
    }

    @Test
    void anIpAlternativeNameServesTheUrlsHostWithoutACertName() throws IOException {
        SelfSignedCertificate withIp = SelfSignedCertificate.create(certificates, NAME,
                "dns:" + NAME + ",ip:127.0.0.1");
        try (StandInMaster other = startHttps(withIp);
             TrialSession session = TrialSession.init(spec(),
                     options(other, new MasterTls(withIp.pem().toString(), null)))) {
            assertThat(session.info().trialId()).isPositive();
        }
    }

    @Test
    void anEmailAlternativeNameIsNoHostName() {
        SelfSignedCertificate withEmail = SelfSignedCertificate.create(certificates, NAME, "email:" + NAME);
        try (StandInMaster other = startHttps(withEmail)) {
            assertThatThrownBy(() -> TrialSession.init(spec(),
                    options(other, new MasterTls(withEmail.pem().toString(), NAME))))
                    .isInstanceOf(MasterUnreachableException.class)
                    .hasMessageContaining("not for DET_MASTER_CERT_NAME '" + NAME + "'; it is for []");
            assertThat(other.requests()).isEmpty();
        }
    }

    @Test
    void noverifyChecksNothing() throws IOException {
        try (TrialSession session = TrialSession.init(spec(), options(new MasterTls(MasterTls.NO_VERIFY, null)))) {
            assertThat(session.info().trialId()).isPositive();
        }
        assertThat(master.requests()).extracting(RecordedRequest::path).startsWith("/api/v1/auth/login");
    }

    @Test
    void aRefusingMasterListensAgainOverHttpsOnTheSamePort() {
        master.faults().refuseConnections();
        AtomicInteger waits = new AtomicInteger();
        MasterSettings settings = MasterSettings.of(master.url(), Credentials.password("ann", PASSWORD))
                .withTls(new MasterTls(server.pem().toString(), NAME)).withRetries(1, Duration.ZERO);
        try (MasterConnection connection = MasterConnection.open(settings, duration -> {
            waits.incrementAndGet();
            master.faults().acceptConnections();
        })) {
            connection.authenticate();
        }
        assertThat(waits).hasValue(1);
        assertThat(master.requests()).extracting(RecordedRequest::path).containsExactly("/api/v1/auth/login");
    }

    @Test
    void aMissingCertFileIsNamed() {
        Path missing = certificates.resolve("no-such.pem");
        assertUnusable(missing);
    }

    @Test
    void aFileWithoutCertificatesIsNamed() throws IOException {
        Path empty = Files.writeString(certificates.resolve("empty.pem"), "");
        Path notPem = Files.writeString(certificates.resolve("not.pem"), "no certificate here\n");
        assertUnusable(empty);
        assertUnusable(notPem);
    }

    @Test
    void aGivenTokenIsNotShownEither() {
        String token = master.issueToken("ann");
        MasterSettings settings = MasterSettings.of(master.url(), Credentials.token("ann", token))
                .withTls(new MasterTls(server.pem().toString(), null))
                .withRetries(0, Duration.ZERO);
        try (MasterConnection connection = MasterConnection.open(settings, duration -> { })) {
            assertThatThrownBy(connection::authenticate)
                    .isInstanceOf(MasterUnreachableException.class)
                    .hasMessageContaining("cannot reach the Determined master at " + master.url())
                    .hasMessageNotContaining(token);
        }
        assertThat(master.requests()).isEmpty();
    }

    /** Refused during the handshake, for {@code reason} somewhere in the cause chain. */
    private AbstractThrowableAssert<?, ?> assertUnreachable(MasterTls tls, Class<? extends Exception> reason) {
        AbstractThrowableAssert<?, ?> refusal = assertThatThrownBy(() -> TrialSession.init(spec(), options(tls)))
                .isInstanceOf(MasterUnreachableException.class)
                .hasMessageContaining("cannot reach the Determined master at " + master.url() + ":")
                .hasMessageNotContaining(PASSWORD)
                .hasMessageNotContaining(Credentials.password("ann", PASSWORD).hashedPassword())
                .satisfies(e -> assertThat(causes(e)).hasAtLeastOneElementOfType(reason));
        assertThat(master.requests()).isEmpty();
        return refusal;
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private void assertUnusable(Path certFile) {
        assertThatThrownBy(() -> TrialSession.init(spec(), options(new MasterTls(certFile.toString(), NAME))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DET_MASTER_CERT_FILE")
                .hasMessageContaining(certFile.toString())
                .hasMessageNotContaining(PASSWORD);
        assertThat(master.requests()).isEmpty();
    }

    private TrialSpec spec() throws IOException {
        return TrialSpec.builder(FileSystemStorages.open(checkpointDir.toString()))
                .externalExperimentId("exp").externalTrialId("trial").build();
    }

    private SessionOptions options(MasterTls tls) {
        return options(master, tls);
    }

    private static StandInMaster startHttps(SelfSignedCertificate certificate) {
        StandInMaster started = StandInMaster.startHttps(certificate.serverContext());
        started.addUser("ann", PASSWORD);
        return started;
    }

    private SessionOptions options(StandInMaster at, MasterTls tls) {
        MasterSettings settings = MasterSettings.of(at.url(), Credentials.password("ann", PASSWORD))
                .withTls(tls).withRetries(0, Duration.ZERO);
        return SessionOptions.master(settings).withTime(time, time, duration -> { });
    }
}
