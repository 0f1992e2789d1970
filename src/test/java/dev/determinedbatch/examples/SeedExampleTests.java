package dev.determinedbatch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.client.GoldenRequests;
import dev.determinedbatch.client.GoldenRequests.Canonical;
import dev.determinedbatch.client.ManualScheduler;
import dev.determinedbatch.client.SessionOptions;
import dev.determinedbatch.client.TrialSession;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.master.Credentials;
import dev.determinedbatch.client.master.MasterSettings;
import dev.determinedbatch.json.PythonJson;
import dev.determinedbatch.standin.Checkpoint;
import dev.determinedbatch.standin.MetricReport;
import dev.determinedbatch.standin.RecordedRequest;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.standin.Trial;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed example run twice against the stand-in, held against what Determined's
 * {@code examples/features/unmanaged/2_checkpoints.py} reports: the step index {@code i} from 0,
 * a checkpoint with {@code steps_completed = i} and the file {@code state} = {@code "i,loss"} at
 * {@code (i + 1) % 10 == 0}, a resumed run starting at the checkpoint's {@code i}; and against the
 * Python client's own first and resumed run ({@code golden/run1.jsonl}, {@code run2_resume.jsonl}):
 * the same requests around the reports, the run ids 1 then 2.
 */
class SeedExampleTests {

    @TempDir
    Path checkpoints;
    @TempDir
    Path spill;
    @AutoClose
    final StandInMaster master = StandInMaster.start();

    @Test
    void reportsTheStepValuesOfThePythonExampleAndResumesAtItsCheckpointsIndex() throws IOException {
        assertThat(run()).as("where run 2 starts: the last checkpoint's i").isEqualTo(99);
        List<RecordedRequest> first = master.requests();
        master.clearRequests();
        assertThat(run()).isEqualTo(189);
        List<RecordedRequest> second = master.requests();

        Trial trial = master.state().trials().get(0);
        assertThat(master.state().trials()).hasSize(1);
        assertThat(trial.externalTrialId()).isEqualTo(SeedExample.EXTERNAL_ID);
        assertThat(trial.state()).isEqualTo("STATE_COMPLETED");
        List<MetricReport> metrics = master.state().metrics(trial.id());
        // run 1: for i in range(0, 100); run 2: for i in range(99, 199), as the state file said 99
        assertThat(steps(metrics, 1, "training")).containsExactly(range(0, 100));
        assertThat(steps(metrics, 1, "validation")).containsExactly(9L, 19L, 29L, 39L, 49L, 59L, 69L, 79L, 89L, 99L);
        assertThat(steps(metrics, 2, "training")).containsExactly(range(99, 199));
        assertThat(steps(metrics, 2, "validation"))
                .containsExactly(99L, 109L, 119L, 129L, 139L, 149L, 159L, 169L, 179L, 189L);
        List<Checkpoint> stored = master.state().checkpoints(trial.id());
        assertThat(stored).extracting(Checkpoint::stepsCompleted).containsExactly(
                9L, 19L, 29L, 39L, 49L, 59L, 69L, 79L, 89L, 99L, 99L, 109L, 119L, 129L, 139L, 149L, 159L, 169L, 179L, 189L);
        // each checkpoint's state file is "i,loss" with the validation loss reported at i, as Python's f"{i},{loss}"
        for (int n = 0; n < stored.size(); n++) {
            Checkpoint checkpoint = stored.get(n);
            int run = n < 10 ? 1 : 2;
            MetricReport validation = metrics.stream().filter(m -> m.group().equals("validation")
                    && m.trialRunId() == run && m.stepsCompleted() == checkpoint.stepsCompleted()).findFirst().orElseThrow();
            Object loss = validation.avgMetrics().get("loss");
            assertThat(Files.readString(checkpoints.resolve(checkpoint.uuid()).resolve("state"), StandardCharsets.UTF_8))
                    .isEqualTo(checkpoint.stepsCompleted() + "," + PythonJson.wire(((Number) loss).doubleValue()));
            assertThat(Files.readString(checkpoints.resolve(checkpoint.uuid()).resolve("metadata.json")))
                    .isEqualTo("{\n  \"steps_completed\": " + checkpoint.stepsCompleted() + "\n}");
        }
        assertThat(progress(first)).containsExactly(0.09, 0.19, 0.29, 0.39, 0.49, 0.59, 0.69, 0.79, 0.89, 0.99);
        assertThat(progress(second)).containsExactly(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9);

        assertThat(recordedAroundTheReports(first)).isEqualTo(aroundTheReports(GoldenRequests.load("run1").requests()));
        assertThat(recordedAroundTheReports(second)).isEqualTo(aroundTheReports(GoldenRequests.load("run2_resume").requests()));
    }

    private long run() throws IOException {
        TrialSpec spec = TrialSpec.builder(FileSystemStorages.open(checkpoints.toString()))
                .name("unmanaged-2-checkpoints").externalExperimentId(SeedExample.EXTERNAL_ID)
                .externalTrialId(SeedExample.EXTERNAL_ID).build();
        ManualScheduler time = new ManualScheduler();
        SessionOptions options = SessionOptions.master(MasterSettings.of(master.url(),
                Credentials.password("determined", ""))).withTime(time, time, duration -> { })
                .withSpillDirectory(spill);
        try (TrialSession session = TrialSession.init(spec, options)) {
            return SeedExample.train(session, 100, new Random(1));
        }
    }

    private static Long[] range(long from, long to) {
        return LongStream.range(from, to).boxed().toArray(Long[]::new);
    }

    private static List<Long> steps(List<MetricReport> metrics, int run, String group) {
        return metrics.stream().filter(m -> m.trialRunId() == run && m.group().equals(group))
                .map(MetricReport::stepsCompleted).toList();
    }

    private static List<Double> progress(List<RecordedRequest> requests) {
        return requests.stream().filter(r -> r.path().endsWith("/progress"))
                .map(r -> Double.valueOf(r.body().replaceAll(".*\"progress\": ([0-9.e-]+).*", "$1"))).toList();
    }

    private List<String> recordedAroundTheReports(List<RecordedRequest> recorded) {
        return aroundTheReports(GoldenRequests.of(recorded, checkpoints.toString()).requests());
    }

    /**
     * The requests before the first report and after the last one, as method, path and, for the
     * trial's start and state changes, the body (ids as placeholders, the scripts' own external
     * ids too). Log posts and the way in (a
     * login, or a cached token checked with {@code GET /api/v1/me}, both correct per the protocol)
     * are left out: they differ by script, not by client.
     */
    private static List<String> aroundTheReports(List<Canonical> requests) {
        List<Canonical> kept = requests.stream().filter(r -> !r.path().equals("/task-logs")
                && !r.path().equals("/api/v1/auth/login") && !r.path().equals("/api/v1/me")).toList();
        int firstReport = indexOfReport(kept, 0, 1);
        int lastReport = indexOfReport(kept, kept.size() - 1, -1);
        List<String> around = new java.util.ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            Canonical r = kept.get(i);
            if (i < firstReport || i > lastReport) {
                boolean withBody = r.method().equals("PATCH") || r.path().endsWith("/start");
                String path = r.path().replaceFirst("/by-external-id/.+", "/by-external-id/<external id>");
                around.add(r.method() + " " + path + (withBody ? " " + r.body() : ""));
            }
        }
        return around;
    }

    private static int indexOfReport(List<Canonical> requests, int from, int direction) {
        for (int i = from; i >= 0 && i < requests.size(); i += direction) {
            String path = requests.get(i).path();
            if (path.endsWith("/metrics") || path.endsWith("/progress") || path.equals("/api/v1/checkpoints")) {
                return i;
            }
        }
        throw new AssertionError("no report in " + requests);
    }
}
