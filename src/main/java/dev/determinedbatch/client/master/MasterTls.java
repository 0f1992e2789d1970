package dev.determinedbatch.client.master;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
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
        try {
            if (certFile == null) {
                return null;
            }
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManager[] trust = verifies() ? trustManagersFor(Path.of(certFile))
                    : new TrustManager[] {new TrustAll()};
            context.init(null, trust, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use DET_MASTER_CERT_FILE '" + certFile
                    + "' as trusted certificates: " + e.getMessage(), e);
        }
    }

    /** The host name check to use, or null for the default. */
    public HostnameVerifier hostnameVerifier() {
        if (!verifies()) {
            return (host, session) -> true;
        }
        if (certName == null) {
            return null;
        }
        return (host, session) -> {
            try {
                Certificate[] chain = session.getPeerCertificates();
                return chain.length > 0 && chain[0] instanceof X509Certificate leaf && carriesName(leaf, certName);
            } catch (SSLPeerUnverifiedException e) {
                return false;
            }
        };
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

    static boolean carriesName(X509Certificate certificate, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    Object value = entry.get(1);
                    if (value instanceof String s && matches(s.toLowerCase(Locale.ROOT), wanted)) {
                        return true;
                    }
                }
                return false;
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
        String subject = certificate.getSubjectX500Principal().getName();
        for (String part : subject.split(",")) {
            if (part.trim().toLowerCase(Locale.ROOT).equals("cn=" + wanted)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    /** {@code noverify}: the user asked for no certificate checks. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
