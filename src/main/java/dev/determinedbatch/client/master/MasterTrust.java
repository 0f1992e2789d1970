package dev.determinedbatch.client.master;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The trust managers behind {@link MasterTls}: one that checks {@code DET_MASTER_CERT_NAME} in the
 * handshake, one that checks nothing ({@code noverify}), and the host name matching they use.
 * Both are X509ExtendedTrustManagers: the JDK wraps a plain X509TrustManager in one that checks
 * the URL's host whenever the client engine asks for endpoint identification.
 */
final class MasterTrust {

    /** The types of a subject alternative name entry that name a host (RFC 5280 GeneralName). */
    private static final Integer DNS_NAME = 2;
    private static final Integer IP_ADDRESS = 7;

    private MasterTrust() {
    }

    /**
     * Trusts what {@code chainTrust} trusts, if the leaf certificate carries {@code name}. Checked
     * here rather than by a host name verifier, so that a refusal names the name wanted (a client
     * engine reports a failed verifier as a mismatch with the URL's host), and so that the URL's
     * host is never checked instead.
     */
    static X509ExtendedTrustManager named(X509TrustManager chainTrust, String name) {
        return new NamedTrust(chainTrust, name);
    }

    /** {@code noverify}: the user asked for no certificate checks. */
    static X509ExtendedTrustManager none() {
        return new TrustAll();
    }

    static boolean carriesName(X509Certificate certificate, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return hostNames(certificate).stream().anyMatch(carried -> matches(carried.toLowerCase(Locale.ROOT), wanted));
    }

    /**
     * The names a host is checked against: the DNS and IP subject alternative names, or the
     * subject's CN when there are none. Not e-mail or URI alternative names: they name no host.
     */
    static List<String> hostNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if ((DNS_NAME.equals(entry.get(0)) || IP_ADDRESS.equals(entry.get(0)))
                            && entry.get(1) instanceof String s) {
                        names.add(s);
                    }
                }
                return names;
            }
        } catch (CertificateParsingException e) {
            return names;
        }
        for (String part : certificate.getSubjectX500Principal().getName().split(",")) {
            if (part.trim().regionMatches(true, 0, "cn=", 0, 3)) {
                names.add(part.trim().substring(3));
            }
        }
        return names;
    }

    private static boolean matches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    /** The socket and engine variants check as the plain one: by the name, never the URL's host. */
    private static final class NamedTrust extends X509ExtendedTrustManager {
        private final X509TrustManager chainTrust;
        private final String name;

        NamedTrust(X509TrustManager chainTrust, String name) {
            this.chainTrust = chainTrust;
            this.name = name;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            chainTrust.checkServerTrusted(chain, authType);
            if (!carriesName(chain[0], name)) {
                throw new CertificateException("the master's certificate is not for DET_MASTER_CERT_NAME '" + name
                        + "'; it is for " + hostNames(chain[0]));
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            chainTrust.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return chainTrust.getAcceptedIssuers();
        }
    }

    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
