package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.TrainingCheckpointMetadata;
import dev.determinedbatch.batch.support.TrainingCheckpoints;
import dev.determinedbatch.batch.support.TrialIdentity;
import dev.determinedbatch.client.Checkpoints;
import dev.determinedbatch.client.ManualScheduler;
import dev.determinedbatch.client.SessionOptions;
import dev.determinedbatch.client.TrialSession;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.storage.CorruptCheckpointException;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import dev.determinedbatch.training.DigitsDataset;
import dev.determinedbatch.training.TrainingParameters;
import dev.determinedbatch.training.TrainingRun;
import dev.determinedbatch.training.TrainingState;
import dev.determinedbatch.training.TrainingStateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fallback on real files: a damaged latest checkpoint is found by its checksums, or by its
 * missing checksum manifest, and the run resumes from the trial's previous one, never from
 * another trial's.
 */
class CorruptCheckpointResumeTests {

    private static final TrialIdentity TRIAL = new TrialIdentity("exp", "t-1");

    @TempDir
    Path dir;
    private final ManualScheduler time = new ManualScheduler();

    @Test
    void aCorruptLatestCheckpointFallsBackToTheTrialsPreviousOne() throws IOException {
        store(TRIAL, 90, 180);
        store(new TrialIdentity("exp", "other"), 200);   // newer than 180, but another trial's
        StoredCheckpoint latest = store(TRIAL, 270).get(0);
        Path weights = checkpointRoot().resolve(latest.uuid()).resolve("weights");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[0] ^= 0x10;
        Files.write(weights, bytes);

        List<String> warnings = new ArrayList<>();
        try (TrialSession session = open(TRIAL)) {
            assertThat(session.info().latestCheckpoint()).isEqualTo(latest.uuid());
            ResumeFallback.Resumed<String> resumed = new ResumeFallback("trial " + TRIAL.key(), warnings::add)
                    .firstGood(ResumePoint.candidates(null, session.info()),
                            () -> TrainingCheckpoints.ofTrial(session.checkpoints(), TRIAL),
                            point -> session.checkpoints().restore(point.checkpoint().uuid(),
                                    c -> Files.readString(c.resolve("weights"))));

            assertThat(resumed.restored()).isEqualTo("exp/t-1@180");
            assertThat(resumed.point().checkpoint().stepsCompleted()).isEqualTo(180);
        }
        assertThat(warnings).singleElement().asString()
                .startsWith("trial exp/t-1: skipping checkpoint " + latest.uuid() + "@270 (the local checkpoint storage),"
                        + " it cannot be restored: restoring checkpoint " + latest.uuid() + " failed: checkpoint "
                        + latest.uuid() + " is corrupt: weights: crc32c mismatch: ");
    }

    @Test
    void aTrainingCheckpointWithoutItsManifestIsNotReadUnverified() throws IOException {
        TrainingState state = TrainingRun.start(new TrainingParameters(3, 1, 100, 0.1f, 0.9f, 8),
                DigitsDataset.loadBundled().split()).state();
        StoredCheckpoint previous = storeTraining(state, 90);
        StoredCheckpoint latest = storeTraining(state, 180);
        Files.delete(checkpointRoot().resolve(".checksums").resolve(latest.uuid() + ".json"));

        List<String> warnings = new ArrayList<>();
        try (TrialSession session = open(TRIAL)) {
            Checkpoints checkpoints = session.checkpoints();
            // any client's checkpoint may lack a manifest; the training job's may not
            long steps = checkpoints.restore(latest.uuid(), c -> c.checkpoint().stepsCompleted());
            assertThat(steps).isEqualTo(180L);
            assertThatThrownBy(() -> TrainingCheckpoints.restore(checkpoints, latest.uuid(), TRIAL))
                    .isInstanceOf(UncheckedIOException.class)
                    .cause().isInstanceOfSatisfying(CorruptCheckpointException.class, e -> {
                        assertThat(e.file()).isEqualTo(".checksums/" + latest.uuid() + ".json");
                        assertThat(e.problem()).startsWith("checksum manifest missing");
                    });

            ResumeFallback.Resumed<TrainingCheckpoints.Restored> resumed =
                    new ResumeFallback("trial " + TRIAL.key(), warnings::add)
                            .firstGood(ResumePoint.candidates(null, session.info()),
                                    () -> TrainingCheckpoints.ofTrial(checkpoints, TRIAL),
                                    point -> TrainingCheckpoints.restore(checkpoints, point.checkpoint().uuid(), TRIAL));

            assertThat(resumed.point().checkpoint().uuid()).isEqualTo(previous.uuid());
            assertThat(resumed.restored().state().model()).isEqualTo(state.model());
        }
        assertThat(warnings).singleElement().asString()
                .contains("skipping checkpoint " + latest.uuid() + "@180")
                .endsWith("checkpoint " + latest.uuid() + " is corrupt: .checksums/" + latest.uuid()
                        + ".json: checksum manifest missing; this checkpoint must be verified, and cannot be without it");
    }

    @Test
    void aTrainingCheckpointWhoseWeightsAreDamagedIsFoundAsTheyAreReadAndNotRestored() throws IOException {
        TrainingState state = TrainingRun.start(new TrainingParameters(3, 1, 100, 0.1f, 0.9f, 8),
                DigitsDataset.loadBundled().split()).state();
        StoredCheckpoint stored = storeTraining(state, 90);
        Path weights = checkpointRoot().resolve(stored.uuid()).resolve(TrainingStateFiles.MODEL);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length - 3] ^= 0x40; // in the last tensor's data: the header still parses
        Files.write(weights, bytes);

        try (TrialSession session = open(TRIAL)) {
            assertThatThrownBy(() -> TrainingCheckpoints.restore(session.checkpoints(), stored.uuid(), TRIAL))
                    .isInstanceOf(UncheckedIOException.class)
                    .cause().isInstanceOfSatisfying(CorruptCheckpointException.class, e -> {
                        assertThat(e.file()).isEqualTo(TrainingStateFiles.MODEL);
                        assertThat(e.problem()).startsWith("crc32c mismatch");
                    });
            assertThat(TrainingCheckpoints.restore(session.checkpoints(), storeTraining(state, 180).uuid(), TRIAL)
                    .state().model()).isEqualTo(state.model());
        }
    }

    /** A checkpoint as the training job stores it (see {@link TrainingCheckpoints#store}). */
    private StoredCheckpoint storeTraining(TrainingState state, long step) throws IOException {
        try (TrialSession session = open(TRIAL)) {
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("steps_completed", step);
            metadata.put(TrainingCheckpointMetadata.FORMAT_KEY, TrainingCheckpointMetadata.FORMAT_VERSION);
            metadata.put("external_experiment_id", TRIAL.externalExperimentId());
            metadata.put("external_trial_id", TRIAL.externalTrialId());
            return session.checkpoints().store(metadata, d -> {
                TrainingStateFiles.write(state, d);
                Files.writeString(d.resolve("pending-metrics.json"), "[]");
            });
        }
    }

    private List<StoredCheckpoint> store(TrialIdentity trial, long... steps) throws IOException {
        List<StoredCheckpoint> stored = new ArrayList<>();
        try (TrialSession session = open(trial)) {
            for (long step : steps) {
                Map<String, Object> metadata = new LinkedHashMap<>();
                metadata.put("steps_completed", step);
                metadata.put("external_experiment_id", trial.externalExperimentId());
                metadata.put("external_trial_id", trial.externalTrialId());
                stored.add(session.checkpoints().store(metadata,
                        d -> Files.writeString(d.resolve("weights"), trial.key() + "@" + step)));
            }
        }
        return stored;
    }

    private TrialSession open(TrialIdentity trial) throws IOException {
        TrialSpec spec = TrialSpec.builder(FileSystemStorages.open(checkpointRoot().toString()))
                .externalExperimentId(trial.externalExperimentId()).externalTrialId(trial.externalTrialId()).build();
        return TrialSession.init(spec, SessionOptions.local(dir.resolve("metrics.jsonl")).withTime(time, time, d -> { }));
    }

    private Path checkpointRoot() {
        return dir.resolve("checkpoints");
    }
}
