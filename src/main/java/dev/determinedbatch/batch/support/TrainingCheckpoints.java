package dev.determinedbatch.batch.support;

import dev.determinedbatch.client.Checkpoints;
import dev.determinedbatch.storage.CheckpointFile;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.StreamingCheckpointReader;
import dev.determinedbatch.storage.Verification;
import dev.determinedbatch.training.StepResult;
import dev.determinedbatch.training.TrainingRun;
import dev.determinedbatch.training.TrainingState;
import dev.determinedbatch.training.TrainingStateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A training checkpoint as one Determined checkpoint: the trainer's files (weights and
 * optimizer as safetensors, the rest as JSON), the metrics not yet reported, and
 * {@link TrainingCheckpointMetadata} that says whose it is.
 */
public final class TrainingCheckpoints {

    static final String PENDING_METRICS = "pending-metrics.json";

    /** A checkpoint read back. */
    public record Restored(StoredCheckpoint checkpoint, TrainingCheckpointMetadata metadata, TrainingState state,
                           List<StepResult> pendingMetrics) {
    }

    private TrainingCheckpoints() {
    }

    /**
     * What one checkpoint holds, copied at a chunk boundary on the training thread, so that it
     * can be stored on another thread while training changes its arrays: the state (a deep
     * copy), the metrics not yet reported and the metadata's values. The model's hash, a pass
     * over every weight, is left to {@link #store}.
     */
    public static final class Snapshot {

        private final TrainingState state;
        private final long totalSteps;
        private final JobRecord job;
        private final TrialIdentity trial;
        private final long experimentId;
        private final long trialId;
        private final Map<String, Object> latestMetrics;
        private final String pendingJson;

        private Snapshot(ActiveTraining training) {
            TrainingRun run = training.run();
            this.state = run.state();
            this.totalSteps = run.totalSteps();
            this.job = training.job();
            this.trial = training.parameters().trial();
            this.experimentId = training.session().info().experimentId();
            this.trialId = training.session().info().trialId();
            this.latestMetrics = training.latestMetrics();
            this.pendingJson = MetricAggregator.toJson(training.metrics().pending());
        }

        public long stepsCompleted() {
            return state.stepsCompleted();
        }

        public long totalSteps() {
            return totalSteps;
        }

        public TrainingState state() {
            return state;
        }

        /** Stores and reports this checkpoint, with what the status API shows in its metadata. */
        public StoredCheckpoint store(Checkpoints checkpoints) {
            TrainingCheckpointMetadata metadata = new TrainingCheckpointMetadata(state.stepsCompleted(),
                    TrainingCheckpointMetadata.FORMAT_VERSION, TrainingStateFiles.FORMAT_VERSION, totalSteps,
                    job.jobName(), job.instanceId(), job.executionId(), trial, experimentId, trialId,
                    state.modelSha256(), latestMetrics);
            return checkpoints.store(metadata.toMap(), files(state, pendingJson));
        }
    }

    /**
     * A checkpoint's files, by name, each written when the storage asks: the state's (see
     * {@link TrainingStateFiles#files}) and the metrics not yet reported.
     */
    public static Map<String, CheckpointFile> files(TrainingState state, String pendingMetricsJson) {
        Map<String, CheckpointFile> files = new LinkedHashMap<>();
        TrainingStateFiles.files(state).forEach((name, content) -> files.put(name, content::writeTo));
        byte[] pending = pendingMetricsJson.getBytes(StandardCharsets.UTF_8);
        files.put(PENDING_METRICS, out -> {
            ByteBuffer bytes = ByteBuffer.wrap(pending);
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        });
        return files;
    }

    /** Copies the training's state now (see {@link Snapshot}); on the training thread. */
    public static Snapshot snapshot(ActiveTraining training) {
        return new Snapshot(training);
    }

    /** Stores the training's whole state now, on the calling thread. */
    public static StoredCheckpoint store(ActiveTraining training) {
        return snapshot(training).store(training.session().checkpoints());
    }

    /**
     * Reads the training state of a checkpoint as {@link #restore} does: each state file once,
     * checked against the manifest as it is read.
     */
    public static StreamingCheckpointReader<TrainingState> stateReader() {
        return StreamingCheckpointReader.of(Set.copyOf(TrainingStateFiles.fileNames()),
                dir -> TrainingStateFiles.read(dir::open, dir.root().toString()));
    }

    /**
     * The checkpoints of {@code trial} in its storage, known by the trial identity in their
     * metadata (a storage may be shared by many trials), in the storage's order.
     */
    public static List<CheckpointReference> ofTrial(Checkpoints checkpoints, TrialIdentity trial) {
        return checkpoints.list().stream()
                .filter(c -> TrainingCheckpointMetadata.belongsTo(c.metadata(), trial))
                .map(c -> new CheckpointReference(c.uuid(), c.stepsCompleted()))
                .toList();
    }

    /**
     * Reads a checkpoint this project wrote for {@code trial}. Every one was stored with a
     * checksum manifest, so one without it is refused as corrupt
     * ({@link Verification#REQUIRED}) rather than read unchecked.
     *
     * @throws IllegalStateException when it is of an unknown format or of another trial
     * @throws java.io.UncheckedIOException wrapping a
     *         {@link dev.determinedbatch.storage.CorruptCheckpointException} when its files differ
     *         from its manifest, or the manifest is missing or malformed
     */
    public static Restored restore(Checkpoints checkpoints, String uuid, TrialIdentity trial) {
        // the state files are checked as they are read, once (see StreamingCheckpointReader)
        return checkpoints.restore(uuid, StreamingCheckpointReader.of(Set.copyOf(TrainingStateFiles.fileNames()), dir -> {
            TrainingCheckpointMetadata metadata = TrainingCheckpointMetadata.read(uuid, dir.checkpoint().metadata());
            if (!metadata.trial().equals(trial)) {
                throw new IllegalStateException("checkpoint " + uuid + " belongs to trial " + metadata.trial().key()
                        + ", not to " + trial.key());
            }
            TrainingState state = TrainingStateFiles.read(dir::open, dir.root().toString());
            List<StepResult> pending;
            try {
                pending = MetricAggregator.fromJson(Files.readString(dir.resolve(PENDING_METRICS), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IOException("checkpoint " + uuid + ": " + PENDING_METRICS + " is malformed: " + e.getMessage(), e);
            }
            return new Restored(dir.checkpoint(), metadata, state, pending);
        }), Verification.REQUIRED);
    }
}
