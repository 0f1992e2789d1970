package dev.determinedbatch.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.master.Credentials;
import dev.determinedbatch.client.master.MasterConnection;
import dev.determinedbatch.client.master.MasterSettings;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives our client through each scenario Determined's Python client was recorded in
 * ({@code src/test/resources/golden}) and compares the requests: same method and path, in the same
 * order, semantically equal bodies; only ids, uuids and times differ. Metric posts may move
 * relative to checkpoint posts, since both clients send metrics from a background queue.
 */
class GoldenScenarioTests {

    /** What the recorded Python script printed goes to the trial log; ours logs the same lines. */
    private static final Logger SCRIPT = Logger.getLogger("golden.script");

    @TempDir
    Path checkpointDir;
    @TempDir
    Path spillDir;
    @AutoClose
    private final StandInMaster master = StandInMaster.start();
    private ManualScheduler time;

    @BeforeEach
    void startMaster() {
        time = new ManualScheduler();
    }

    @Test
    void login() throws IOException {
        master.addUser("determined", "secretPW1");
        MasterSettings settings = MasterSettings.of(master.url(), Credentials.password("determined", "secretPW1"));
        try (MasterConnection connection = MasterConnection.open(settings)) {
            connection.authenticate();
        }
        assertMatchesGolden("login", GoldenRequests.load("login"));
    }

    @Test
    void run1() throws IOException {
        try (TrialSession session = TrialSession.init(withExternalIds(), options())) {
            SCRIPT.info("latest_checkpoint: " + orNone(session.info().latestCheckpoint()));
            session.metrics().reportTrainingMetrics(1, metrics("loss", 0.5, "acc", 1));
            StoredCheckpoint stored = storeExample(session, 1);
            SCRIPT.info("stored " + stored.uuid());
            session.metrics().reportValidationMetrics(1, metrics("val_loss", 0.25));
        }
        assertMatchesGolden("run1", GoldenRequests.load("run1"));
    }

    @Test
    void run2Resume() throws IOException {
        try (TrialSession first = TrialSession.init(withExternalIds(), options())) {
            storeExample(first, 1);
        }
        master.clearRequests();

        try (TrialSession session = TrialSession.init(withExternalIds(), options())) {
            String latest = session.info().latestCheckpoint();
            SCRIPT.info("latest_checkpoint: " + orNone(latest));
            assertThat(latest).isNotNull();
            String listing = session.checkpoints().restore(latest, checkpoint -> {
                try (Stream<Path> entries = Files.list(checkpoint.root())) {
                    return "restored from " + checkpoint.root() + " " + entries.map(p -> "'" + p.getFileName() + "'")
                            .sorted().toList().toString();
                }
            });
            SCRIPT.info(listing);
            session.metrics().reportTrainingMetrics(2, metrics("loss", 0.5, "acc", 1));
            session.metrics().reportValidationMetrics(2, metrics("val_loss", 0.25));
            StoredCheckpoint stored = storeExample(session, 2);
            SCRIPT.info("stored " + stored.uuid());
        }
        // a warning of the Python client's own (it has partial downloads, we do not)
        GoldenRequests golden = GoldenRequests.load("run2_resume")
                .withoutLogLines(line -> line.startsWith("Ignoring partial checkpoint download"));
        assertMatchesGolden("run2_resume", golden);
    }

    @Test
    void run3WithoutExternalIds() throws IOException {
        Map<String, Object> hparams = new LinkedHashMap<>();
        hparams.put("lr", 0.001);
        hparams.put("layers", List.of(1, 2));
        TrialSpec spec = TrialSpec.builder(storage()).name("exp-b").description("desc: with colon")
                .labels(List.of("a", "b")).data(Map.of("url", "s3://x")).project("Uncategorized")
                .workspace("Uncategorized").hparams(hparams).build();
        try (TrialSession session = TrialSession.init(spec, options())) {
            session.metrics().reportProgress(0.5);
            session.metrics().reportTrainingMetrics(5, metrics("loss", Double.NaN, "x", Double.POSITIVE_INFINITY, "n", null),
                    List.of(metrics("loss", 1.0)));
        }
        assertMatchesGolden("run3_noext", GoldenRequests.load("run3_noext"));
    }

    @Test
    void run4Error() throws IOException {
        TrialSpec spec = TrialSpec.builder(storage()).name("err").build();
        TrialSession session = TrialSession.init(spec, options());
        session.close(new RuntimeException("boom"));

        // a traceback is language-specific: compare the line both clients end it with
        GoldenRequests golden = GoldenRequests.load("run4_error")
                .withoutLogLines(line -> !line.startsWith("Trial reached an ERROR state"));
        GoldenRequests ours = GoldenRequests.of(master.requests(), checkpointDir.toString());
        assertThat(logLines(ours)).anyMatch(line -> line.equals("java.lang.RuntimeException: boom\n"))
                .anyMatch(line -> line.startsWith("\tat dev.determinedbatch.client.GoldenScenarioTests.run4Error"));
        assertEquivalent(ours.withoutLogLines(line -> !line.startsWith("Trial reached an ERROR state")), golden);
    }

    private void assertMatchesGolden(String scenario, GoldenRequests golden) {
        assertEquivalent(GoldenRequests.of(master.requests(), checkpointDir.toString()), golden);
    }

    private static void assertEquivalent(GoldenRequests ours, GoldenRequests golden) {
        // in order, checkpoint posts aside (metric posts may pass them) ...
        assertThat(ours.without(GoldenRequests::isCheckpoint).requests())
                .containsExactlyElementsOf(golden.without(GoldenRequests::isCheckpoint).requests());
        // ... and in order, metric posts aside
        assertThat(ours.without(GoldenRequests::isMetrics).requests())
                .containsExactlyElementsOf(golden.without(GoldenRequests::isMetrics).requests());
    }

    @SuppressWarnings("unchecked")
    private static List<String> logLines(GoldenRequests requests) {
        return requests.requests().stream().filter(r -> r.path().equals("/task-logs"))
                .flatMap(r -> ((List<Map<String, Object>>) r.body()).stream())
                .map(line -> (String) line.get("log")).toList();
    }

    private StoredCheckpoint storeExample(TrialSession session, long steps) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("steps_completed", steps);
        metadata.put("note", "h\u00e9llo");
        return session.checkpoints().store(metadata, dir -> {
            Files.writeString(dir.resolve("state"), "1");
            Files.createDirectories(dir.resolve("sub"));
            Files.write(dir.resolve("sub/w.bin"), new byte[10]);
            Files.createDirectories(dir.resolve("emptydir"));
        });
    }

    private TrialSpec withExternalIds() throws IOException {
        return TrialSpec.builder(storage()).externalExperimentId("my-exp-ext").externalTrialId("my-trial")
                .name("my-exp").build();
    }

    private CheckpointStorage storage() throws IOException {
        return FileSystemStorages.open(checkpointDir.toString());
    }

    /** Starts from a cached token, as the recorded runs did ({@code GET /api/v1/me} first). */
    private SessionOptions options() {
        Credentials cached = Credentials.token("determined", master.issueToken("determined"));
        return SessionOptions.master(MasterSettings.of(master.url(), cached))
                .withTime(time, time, duration -> { }).withSpillDirectory(spillDir);
    }

    private static Map<String, Object> metrics(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static String orNone(String value) {
        return value == null ? "None" : value;
    }
}
