package dev.determinedbatch.client.master;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS towards the master, configured as Determined's client is: {@code DET_MASTER_CERT_FILE}
 * names a PEM file of trusted certificates, or is the word {@code noverify};
 * {@code DET_MASTER_CERT_NAME} is the host name the certificate must carry instead of the URL's.
 *
 * @param certFile PEM path, {@code noverify}, or null for the JVM's default trust
 * @param certName name to check instead of the URL's host, or null
 */
public record MasterTls(String certFile, String certName) {

    public static final String NO_VERIFY = "noverify";

    public static MasterTls defaults() {
        return new MasterTls(null, null);
    }

    public boolean verifies() {
        return !NO_VERIFY.equals(certFile);
    }

    /** The SSL context to use, or null for the JVM's default. */
    public SSLContext sslContext() {
        if (certFile == null && certName == null) {
            return null;
        }
        TrustManager trust;
        if (!verifies()) {
            trust = MasterTrust.none();
        } else {
            X509TrustManager chain = certFile == null ? x509(jvmTrust()) : trustedCertificates(Path.of(certFile));
            trust = certName == null ? chain : MasterTrust.named(chain, certName);
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS towards the master: " + e.getMessage(), e);
        }
    }

    /**
     * The host name check to use, or null for the default. With {@code DET_MASTER_CERT_NAME} the
     * handshake has checked that name already (see {@link MasterTrust#named}), and the URL's host
     * is not to be checked.
     */
    public HostnameVerifier hostnameVerifier() {
        return !verifies() || certName != null ? (host, session) -> true : null;
    }

    private X509TrustManager trustedCertificates(Path pem) {
        try {
            return x509(trustManagersFor(pem));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use DET_MASTER_CERT_FILE '" + certFile
                    + "' as trusted certificates: " + e.getMessage(), e);
        }
    }

    private static TrustManager[] jvmTrust() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the JVM's trusted certificates: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager manager : managers) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JVM offers no X.509 trust manager");
    }

    private static TrustManager[] trustManagersFor(Path pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pem)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + pem);
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("det-master-" + i++, certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }
}
