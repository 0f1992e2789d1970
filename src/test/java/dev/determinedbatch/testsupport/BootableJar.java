package dev.determinedbatch.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The application's bootable JAR as a child process on free loopback ports, for tests that stop
 * or kill the server and for benchmarks, with the API users of {@link TestApiUsers}. Its output
 * goes to a log file; {@link #close()} always
 * ends the process and removes the server it unpacked.
 */
public final class BootableJar implements AutoCloseable {

    private final Process process;
    private final int httpPort;
    private final Path log;
    private final Path installDir;

    private BootableJar(Process process, int httpPort, Path log, Path installDir) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
        this.installDir = installDir;
    }

    /** Starts the build's jar with the data directory and master given, and waits (bounded) until it serves. */
    public static BootableJar start(Path dataDir, String master, Path log) throws IOException, InterruptedException {
        return start(Path.of("target", "determined-batch-bootable.jar"), dataDir, master, log);
    }

    /** Starts {@code jar}; {@code master} may be null for local mode. */
    public static BootableJar start(Path jar, Path dataDir, String master, Path log)
            throws IOException, InterruptedException {
        return start(jar, dataDir, master, log, Map.of());
    }

    /** Starts the build's jar with further system properties for the server (e.g. a test-only switch). */
    public static BootableJar start(Path dataDir, String master, Path log, Map<String, String> properties)
            throws IOException, InterruptedException {
        return start(Path.of("target", "determined-batch-bootable.jar"), dataDir, master, log, properties);
    }

    /**
     * Starts the build's jar with {@code environment} as its only {@code DET_*} variables (none is
     * inherited from the test's own environment, so a developer's {@code DET_MASTER} is never used).
     */
    public static BootableJar startWithEnvironment(Path dataDir, Path log, Map<String, String> environment)
            throws IOException, InterruptedException {
        return start(Path.of("target", "determined-batch-bootable.jar"), dataDir, null, log, Map.of(), environment);
    }

    private static BootableJar start(Path jar, Path dataDir, String master, Path log, Map<String, String> properties)
            throws IOException, InterruptedException {
        return start(jar, dataDir, master, log, properties, Map.of(), List.of());
    }

    /** Starts {@code jar} with JVM options after the default ones (a later {@code -Xmx} wins), e.g. for a large model. */
    public static BootableJar startWithJvmOptions(Path jar, Path dataDir, String master, Path log, List<String> jvmOptions)
            throws IOException, InterruptedException {
        return start(jar, dataDir, master, log, Map.of(), Map.of(), jvmOptions);
    }

    private static BootableJar start(Path jar, Path dataDir, String master, Path log, Map<String, String> properties,
                                     Map<String, String> environment) throws IOException, InterruptedException {
        return start(jar, dataDir, master, log, properties, environment, List.of());
    }

    private static BootableJar start(Path jar, Path dataDir, String master, Path log, Map<String, String> properties,
                                     Map<String, String> environment, List<String> jvmOptions)
            throws IOException, InterruptedException {
        int http = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Djboss.bind.address=127.0.0.1", "-Djboss.bind.address.management=127.0.0.1",
                "-Djboss.http.port=" + http, "-Djboss.https.port=" + freePort(),
                "-Djboss.management.http.port=" + freePort(), "-Djboss.management.https.port=" + freePort(),
                "-Ddetermined.batch.data.dir=" + dataDir));
        command.addAll(TestApiUsers.serverArguments());
        if (master != null) {
            command.add("-Ddet.master=" + master);
        }
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        Path installDir = Files.createTempDirectory(dataDir.getParent(), "server-");
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(),
                "--install-dir=" + installDir));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("DET_") || name.startsWith("TRAINING_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        BootableJar server = new BootableJar(process, http, log, installDir);
        try {
            server.awaitServing(Duration.ofSeconds(180));
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public long pid() {
        return process.pid();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + httpPort + "/");
    }

    public URL url() throws IOException {
        return base().toURL();
    }

    public Path log() {
        return log;
    }

    /** The last lines of the server's log, for a failure message. */
    public String logTail(int lines) {
        try (Stream<String> all = Files.lines(log, java.nio.charset.StandardCharsets.UTF_8)) {
            List<String> kept = all.toList();
            return String.join("\n", kept.subList(Math.max(0, kept.size() - lines), kept.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(the log " + log + " cannot be read: " + e.getMessage() + ")";
        }
    }

    private void awaitServing(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/jobs"))
                .header("Authorization", TestApiUsers.VIEWER.basicAuthorization())
                .timeout(Duration.ofSeconds(5)).GET().build();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the server did not serve within " + timeout + "; see " + log);
            }
            Thread.sleep(200);
        }
    }

    /** A graceful stop (SIGTERM), as an operator's service manager does; bounded. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("the server did not stop within 90 s; see " + log);
        }
        return process.exitValue();
    }

    /**
     * Kills the server as the shell's {@code kill -9} (SIGKILL: no shutdown hook, no graceful stop,
     * which is what {@link Process#destroyForcibly()} sends on Linux) or {@code kill -15} (SIGTERM)
     * does; the sign of {@code signal} is ignored. Bounded.
     *
     * @return the exit value: 137 after SIGKILL
     */
    public int kill(int signal) throws InterruptedException {
        switch (Math.abs(signal)) {
            case 9 -> process.destroyForcibly();
            case 15 -> process.destroy();
            default -> throw new IllegalArgumentException("kill(" + signal + "): only 9 and 15 are supported");
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("the server did not end within 60 s of signal " + signal + "; see " + log);
        }
        return process.exitValue();
    }

    /** Ends the process if it still runs, and removes what a killed jar leaves: its unpacked server (130 MB). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (!process.isAlive()) {
            deleteTree(installDir);
        }
    }

    private static void deleteTree(Path root) {
        try {
            Trees.delete(root);
        } catch (IOException | UncheckedIOException e) {
            // only disk space in target/ is at stake
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
