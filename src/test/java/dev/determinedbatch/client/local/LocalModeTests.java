package dev.determinedbatch.client.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.client.ManualScheduler;
import dev.determinedbatch.client.SessionOptions;
import dev.determinedbatch.client.TrialSession;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No master configured: the same API works offline, on local files. */
class LocalModeTests {

    @TempDir
    Path dir;
    private final ManualScheduler time = new ManualScheduler();

    @Test
    void resumesFromItsOwnTrialsHighestCheckpointOnly() throws IOException {
        store("exp", "a", 10, 20);
        store("exp", "b", 30);      // further along, but another trial in the same directory
        store("exp", "a", 15);      // stored later, fewer steps

        try (TrialSession a = open("exp", "a")) {
            assertThat(a.info().local()).isTrue();
            assertThat(a.info().stepsCompleted()).isEqualTo(20);
            assertThat(a.info().trialRunId()).isEqualTo(3);
            String state = a.checkpoints().restore(a.info().latestCheckpoint(), c -> Files.readString(c.resolve("state")));
            assertThat(state).isEqualTo("a@20");
        }
        try (TrialSession fresh = open("exp", "c")) {
            assertThat(fresh.info().latestCheckpoint()).isNull();
            assertThat(fresh.info().trialRunId()).isEqualTo(1);
        }
    }

    @Test
    void appendsMetricsAsJsonLinesWithNonFiniteValuesKeptValid() throws IOException {
        try (TrialSession session = open("exp", "a")) {
            session.metrics().reportTrainingMetrics(1, Map.of("loss", Double.NaN));
            session.metrics().reportValidationMetrics(1, Map.of("loss", Double.NEGATIVE_INFINITY));
            session.metrics().reportProgress(0.5);
        }
        List<Map<String, Object>> events = Files.readAllLines(metricsFile()).stream()
                .map(JsonText::readJsonObject).toList();
        assertThat(events).extracting(e -> e.get("event"))
                .containsExactly("start", "state", "metrics", "metrics", "progress", "state");
        assertThat(events.get(2)).containsEntry("group", "training").containsEntry("steps_completed", 1L)
                .containsEntry("metrics", Map.of("loss", "NaN"));
        assertThat(events.get(3)).containsEntry("metrics", Map.of("loss", "-Infinity"));
        assertThat(events.get(5)).containsEntry("state", "STATE_COMPLETED");
        assertThat(events).allSatisfy(e -> assertThat(e).containsEntry("trial", "exp/a").containsEntry("run", 1L));
    }

    @Test
    void aFailureIsRecordedAsError() throws IOException {
        TrialSession session = open("exp", "a");
        session.close(new IllegalStateException("diverged"));
        List<String> lines = Files.readAllLines(metricsFile());
        assertThat(JsonText.readJsonObject(lines.get(lines.size() - 1))).containsEntry("state", "STATE_ERROR");
    }

    private void store(String experiment, String trial, long... steps) throws IOException {
        try (TrialSession session = open(experiment, trial)) {
            for (long step : steps) {
                session.checkpoints().store(Map.of("steps_completed", step),
                        d -> Files.writeString(d.resolve("state"), trial + "@" + step));
            }
        }
    }

    private TrialSession open(String experiment, String trial) throws IOException {
        TrialSpec spec = TrialSpec.builder(FileSystemStorages.open(dir.resolve("checkpoints").toString()))
                .externalExperimentId(experiment).externalTrialId(trial).build();
        return TrialSession.init(spec, SessionOptions.local(metricsFile()).withTime(time, time, d -> { })
                .withSpillDirectory(dir.resolve("spill")));
    }

    private Path metricsFile() {
        return dir.resolve("metrics.jsonl");
    }
}
