package dev.determinedbatch.bench;

import dev.determinedbatch.client.SessionOptions;
import dev.determinedbatch.client.TrialSession;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.master.Credentials;
import dev.determinedbatch.client.master.MasterSettings;
import dev.determinedbatch.json.PythonJson;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import dev.determinedbatch.testsupport.Trees;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * P5's micro-benchmarks, against a master stand-in in the benchmark's JVM over loopback:
 * <ul>
 * <li>{@link #synchronousReport}: one training metric report as one blocking HTTP POST that waits
 *     for the master's answer, as MLflow's Java client logs a metric;</li>
 * <li>{@link #ourReports}: {@link #BATCH} reports through our session (the default queue of 1000,
 *     the sender thread delivering meanwhile), the training thread's cost only; the queue is
 *     drained between iterations, outside the timing.</li>
 * </ul>
 */
@State(Scope.Benchmark)
public class MetricReportJmh {

    /** Reports per timed batch of {@link #ourReports}: well within the default queue (1000), so none spills. */
    static final int BATCH = 100;

    private static final Map<String, Object> VALUES = Map.of("loss", 0.25, "accuracy", 0.9);

    private Path work;
    private StandInMaster master;
    private TrialSession ours;
    private long ourStep;
    private HttpClient http;
    private HttpRequest.Builder synchronousPost;
    private long synchronousTrialId;
    private int synchronousRunId;
    private long synchronousStep;

    @Setup(Level.Trial)
    public void start() throws IOException {
        work = Files.createTempDirectory("determined-batch-p5");
        master = StandInMaster.start();
        MasterSettings settings = MasterSettings.of(master.url(), Credentials.password("determined", ""));
        ours = TrialSession.init(TrialSpec.builder(FileSystemStorages.open(work.resolve("ours").toString()))
                .name("p5-ours").build(), SessionOptions.master(settings));
        // the synchronous client's trial: opened by our client, then reported to directly
        try (TrialSession opened = TrialSession.init(TrialSpec.builder(
                FileSystemStorages.open(work.resolve("sync").toString())).name("p5-sync").build(),
                SessionOptions.master(settings))) {
            synchronousTrialId = opened.info().trialId();
            synchronousRunId = opened.info().trialRunId();
        }
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        synchronousPost = HttpRequest.newBuilder(URI.create(master.url() + "/api/v1/trials/" + synchronousTrialId
                        + "/metrics")).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + master.issueToken("determined"));
    }

    @TearDown(Level.Iteration)
    public void drain() {
        ours.metrics().flush();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        ours.close();
        master.close();
        Trees.delete(work);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int synchronousReport() throws IOException, InterruptedException {
        Map<String, Object> trialMetrics = new LinkedHashMap<>();
        trialMetrics.put("trialId", synchronousTrialId);
        trialMetrics.put("trialRunId", synchronousRunId);
        trialMetrics.put("stepsCompleted", ++synchronousStep);
        trialMetrics.put("metrics", Map.of("avgMetrics", VALUES));
        String body = PythonJson.wire(Map.of("group", "training", "metrics", trialMetrics));
        HttpResponse<String> answer = http.send(synchronousPost.copy().POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("the stand-in answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.statusCode();
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void ourReports() {
        for (int i = 0; i < BATCH; i++) {
            ours.metrics().reportTrainingMetrics(++ourStep, VALUES);
        }
    }
}
