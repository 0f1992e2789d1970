package dev.determinedbatch.bench;

import dev.determinedbatch.testsupport.TestApiUsers;
import dev.determinedbatch.testsupport.Trees;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * P7: the bootable jar's time from {@code java -jar} to the first HTTP 200 of the job-control API
 * ({@code GET /api/jobs} as a viewer, asked every 20 ms), and its resident memory (VmRSS) then;
 * the jar unpacks its server on every start, as it does for users. Tried with the JVM's defaults
 * and with heap and class-data-sharing flags; each variant's median over the rounds, and the goal
 * rows for the fastest.
 */
final class ServerStartFigure implements Figure {

    static final double GOAL_SECONDS = 4;
    static final double GOAL_MEGABYTES = 300;
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    /** JVM flags tried; {@code %CDS%} is replaced by the class data archive's path. */
    private record Variant(String name, List<String> flags) {
    }

    private record Start(double seconds, double rssMegabytes) {
    }

    @Override
    public String name() {
        return "P7";
    }

    @Override
    public List<BenchmarkRow> run(BenchmarkOptions options) throws Exception {
        int rounds = options.pick(5, 1);
        Path work = Files.createDirectories(options.work().resolve("p7"));
        Path archive = work.resolve("app-cds.jsa");
        List<Variant> variants = List.of(
                new Variant("defaults", List.of()),
                new Variant("-Xmx256m -XX:+UseSerialGC", List.of("-Xmx256m", "-XX:+UseSerialGC")),
                new Variant("-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
                        List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")),
                new Variant("-Xmx256m -XX:+UseSerialGC -XX:SharedArchiveFile=app-cds.jsa",
                        List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:SharedArchiveFile=" + archive)));
        List<BenchmarkRow> rows = new ArrayList<>();
        try {
            // the archive of the classes a start loads, dumped when that server stops
            start(options, work, List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:ArchiveClassesAtExit=" + archive));
            Variant fastest = null;
            Start best = null;
            for (Variant variant : variants) {
                List<Start> starts = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    starts.add(start(options, work, variant.flags()));
                }
                Start median = new Start(Samples.median(starts.stream().map(Start::seconds).toList()),
                        Samples.median(starts.stream().map(Start::rssMegabytes).toList()));
                System.out.printf(Locale.ROOT, "P7 %s: %.2f s to the first 200, %.0f MB resident (median of %d)%n",
                        variant.name(), median.seconds(), median.rssMegabytes(), rounds);
                rows.add(BenchmarkRow.info("P7", variant.name(), median.seconds(), String.format(Locale.ROOT,
                        "s to the first 200, %.0f MB resident, median of %d", median.rssMegabytes(), rounds)));
                if (best == null || median.seconds() < best.seconds()) {
                    best = median;
                    fastest = variant;
                }
            }
            rows.add(BenchmarkRow.atMost("P7", "start", best.seconds(), GOAL_SECONDS, "s, " + fastest.name()));
            rows.add(BenchmarkRow.atMost("P7", "rss", best.rssMegabytes(), GOAL_MEGABYTES, "MB, " + fastest.name()));
            return rows;
        } finally {
            Trees.delete(work);
        }
    }

    /** One start to the first 200, then a graceful stop; bounded. */
    private static Start start(BenchmarkOptions options, Path work, List<String> flags) throws Exception {
        Path run = Files.createTempDirectory(work, "run-");
        int http = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(flags);
        command.addAll(List.of("-Djboss.bind.address=127.0.0.1", "-Djboss.bind.address.management=127.0.0.1",
                "-Djboss.http.port=" + http, "-Djboss.https.port=" + freePort(),
                "-Djboss.management.http.port=" + freePort(), "-Djboss.management.https.port=" + freePort(),
                "-Ddetermined.batch.data.dir=" + run.resolve("data")));
        command.addAll(TestApiUsers.serverArguments());
        command.addAll(List.of("-jar", options.jar().toString(), "--install-dir=" + run.resolve("server")));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(options.work().resolve("p7-server.log").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("DET_") || name.startsWith("TRAINING_"));
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            double seconds = awaitFirstOk(process, http, start);
            double rss = residentMegabytes(process.pid());
            process.destroy(); // SIGTERM: a graceful stop, which also writes a class data archive asked for
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server did not stop within 90 s");
            }
            return new Start(seconds, rss);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            Trees.delete(run);
        }
    }

    private static double awaitFirstOk(Process process, int port, long start) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs"))
                .header("Authorization", TestApiUsers.VIEWER.basicAuthorization()).timeout(Duration.ofSeconds(5))
                .GET().build();
        while (true) {
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return Samples.secondsSince(start);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue());
            }
            if (Samples.secondsSince(start) > TIMEOUT.toSeconds()) {
                throw new IllegalStateException("the server did not answer 200 within " + TIMEOUT);
            }
            Thread.sleep(20);
        }
    }

    /** VmRSS of a process, from /proc (Linux). */
    static double residentMegabytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IOException("/proc/" + pid + "/status has no VmRSS");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
