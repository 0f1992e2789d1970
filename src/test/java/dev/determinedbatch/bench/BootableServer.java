package dev.determinedbatch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bootable jar as a child process on free loopback ports, its output in a log file. Closing
 * it stops the server (SIGTERM, then a forced kill after a bounded wait), also when the JVM is
 * shutting down. The server unpacks itself into {@code <workDir>/tmp}, so even a killed server
 * leaves nothing outside {@code workDir}.
 */
final class BootableServer implements AutoCloseable {

    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(30);
    private static final Duration FORCED_STOP = Duration.ofSeconds(10);

    private final Process process;
    private final Path log;
    private final URI base;
    private final Thread killOnExit;

    private BootableServer(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.base = URI.create("http://127.0.0.1:" + httpPort + "/");
        this.killOnExit = new Thread(process::destroyForcibly, "bootable-server-kill");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Starts {@code java -jar jar} with the server's data in {@code workDir/data} and
     * {@code det.master} set to {@code masterUrl}; returns at once, see {@link #awaitReady}.
     */
    static BootableServer start(Path jar, Path workDir, String masterUrl) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build it first with mvn -B -q package -DskipTests");
        }
        int[] ports = freePorts(4);
        Path data = Files.createDirectories(workDir.resolve("data"));
        Path tmp = Files.createDirectories(workDir.resolve("tmp"));
        Path log = workDir.resolve("server.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp,
                "-Djboss.bind.address=127.0.0.1",
                "-Djboss.http.port=" + ports[0],
                "-Djboss.https.port=" + ports[1],
                "-Djboss.management.http.port=" + ports[2],
                "-Djboss.management.https.port=" + ports[3],
                "-Ddetermined.batch.data.dir=" + data,
                "-Ddet.master=" + masterUrl,
                "-jar", jar.toAbsolutePath().toString()));
        Process process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new BootableServer(process, log, ports[0]);
    }

    /** The application's root, {@code http://127.0.0.1:PORT/}. */
    URI base() {
        return base;
    }

    /**
     * Waits until the application answers {@code GET /api/jobs} with 200, at most {@code timeout}.
     *
     * @throws IllegalStateException with the end of the server's log, when the server exited or
     *                               did not answer in time
     */
    Duration awaitReady(HttpClient http, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(base.resolve("api/jobs")).timeout(Duration.ofSeconds(5))
                .header("Accept", "application/json").GET().build();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with status " + process.exitValue()
                        + " before answering; the end of its log:\n" + logTail(40));
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the server did not answer " + probe.uri() + " within "
                        + timeout.toSeconds() + " s; the end of its log:\n" + logTail(40));
            }
            Thread.sleep(250);
        }
    }

    /** The last lines the server printed, for a failure's message. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Stops the server: SIGTERM, then a forced kill, each wait bounded. */
    @Override
    public void close() throws InterruptedException {
        try {
            process.destroy();
            if (!process.waitFor(GRACEFUL_STOP.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                if (!process.waitFor(FORCED_STOP.toSeconds(), TimeUnit.SECONDS)) {
                    System.err.println("the server (pid " + process.pid() + ") did not exit after a forced kill");
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** Distinct free ports on the loopback interface; all held open until each is chosen. */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
