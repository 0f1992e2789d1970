package dev.determinedbatch.standin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed server certificate made at test time with the JDK's {@code keytool}: a PKCS12
 * key store for {@link StandInMaster#startHttps(SSLContext)} and the certificate as PEM, as a
 * client's {@code DET_MASTER_CERT_FILE} names it.
 *
 * <pre>{@code
 * SelfSignedCertificate cert = SelfSignedCertificate.create(tempDir, "det-master.test", "dns:det-master.test");
 * try (StandInMaster master = StandInMaster.startHttps(cert.serverContext())) {
 *     // a client trusting cert.pem() and expecting the name det-master.test
 * }
 * }</pre>
 */
public final class SelfSignedCertificate {

    private static final String ALIAS = "det-master";
    private static final String PASSWORD = "stand-in";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    private final Path keyStore;
    private final Path pem;

    private SelfSignedCertificate(Path keyStore, Path pem) {
        this.keyStore = keyStore;
        this.pem = pem;
    }

    /**
     * Makes a key pair and certificate in a new directory under {@code dir}.
     *
     * @param commonName       the subject's CN
     * @param subjectAltNames  keytool's SAN list, e.g. {@code dns:det-master.test,ip:127.0.0.1}; null for none
     */
    public static SelfSignedCertificate create(Path dir, String commonName, String subjectAltNames) {
        try {
            Path home = Files.createTempDirectory(dir, "cert-");
            Path keyStore = home.resolve("server.p12");
            Path pem = home.resolve("server.pem");
            List<String> generate = new ArrayList<>(List.of("-genkeypair", "-alias", ALIAS,
                    "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=" + commonName,
                    "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                    "-storepass", PASSWORD, "-keypass", PASSWORD));
            if (subjectAltNames != null) {
                generate.addAll(List.of("-ext", "san=" + subjectAltNames));
            }
            keytool(home, generate);
            keytool(home, List.of("-exportcert", "-rfc", "-alias", ALIAS,
                    "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                    "-file", pem.toString()));
            return new SelfSignedCertificate(keyStore, pem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a certificate for " + commonName, e);
        }
    }

    /** The certificate alone, PEM-encoded: what {@code DET_MASTER_CERT_FILE} names. */
    public Path pem() {
        return pem;
    }

    /** A server-side context holding the private key and this certificate. */
    public SSLContext serverContext() {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + keyStore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use " + keyStore + " as a server key: " + e.getMessage(), e);
        }
    }

    private static void keytool(Path workDir, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(arguments);
        // output into a file, so that a chatty keytool can never block on a full pipe
        Path output = workDir.resolve("keytool.out");
        Process process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + arguments.get(0) + " did not finish within "
                        + KEYTOOL_TIMEOUT_SECONDS + " s: " + Files.readString(output, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for keytool", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + arguments.get(0) + " failed with exit code "
                    + process.exitValue() + ": " + Files.readString(output, StandardCharsets.UTF_8).strip());
        }
    }
}
