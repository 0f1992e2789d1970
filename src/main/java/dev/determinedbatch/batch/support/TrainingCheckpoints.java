package dev.determinedbatch.batch.support;

import dev.determinedbatch.client.Checkpoints;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.Verification;
import dev.determinedbatch.training.StepResult;
import dev.determinedbatch.training.TrainingRun;
import dev.determinedbatch.training.TrainingState;
import dev.determinedbatch.training.TrainingStateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint as one Determined checkpoint: the trainer's files (weights and
 * optimizer as safetensors, the rest as JSON), the metrics not yet reported, and metadata that
 * says whose it is ({@code steps_completed}, job, execution, trial identity, format version).
 */
public final class TrainingCheckpoints {

    public static final String FORMAT_KEY = "determined_batch_format";
    public static final int FORMAT_VERSION = 1;
    static final String PENDING_METRICS = "pending-metrics.json";

    /** A checkpoint read back. */
    public record Restored(StoredCheckpoint checkpoint, TrainingState state, List<StepResult> pendingMetrics) {
    }

    private TrainingCheckpoints() {
    }

    /** Stores the training's whole state now, with what the status API shows in its metadata. */
    public static StoredCheckpoint store(ActiveTraining training) {
        TrainingRun run = training.run();
        TrainingState state = run.state();
        JobRecord job = training.job();
        TrialIdentity trial = training.parameters().trial();
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(StoredCheckpoint.STEPS_COMPLETED, run.stepsCompleted());
        metadata.put(FORMAT_KEY, FORMAT_VERSION);
        metadata.put("trainer_format_version", TrainingStateFiles.FORMAT_VERSION);
        metadata.put("total_steps", run.totalSteps());
        metadata.put("job_name", job.jobName());
        metadata.put("job_instance_id", job.instanceId());
        metadata.put("job_execution_id", job.executionId());
        trial.stamp(metadata);
        metadata.put("determined_experiment_id", training.session().info().experimentId());
        metadata.put("determined_trial_id", training.session().info().trialId());
        metadata.put("model_sha256", run.modelSha256());
        metadata.put("metrics", training.latestMetrics());
        String pendingJson = MetricAggregator.toJson(training.metrics().pending());
        return training.session().checkpoints().store(metadata, dir -> {
            TrainingStateFiles.write(state, dir);
            Files.writeString(dir.resolve(PENDING_METRICS), pendingJson, StandardCharsets.UTF_8);
        });
    }

    /**
     * The checkpoints of {@code trial} in its storage, known by the trial identity in their
     * metadata (a storage may be shared by many trials), in the storage's order.
     */
    public static List<CheckpointReference> ofTrial(Checkpoints checkpoints, TrialIdentity trial) {
        return checkpoints.list().stream()
                .filter(c -> trial.owns(c.metadata()))
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
        return checkpoints.restore(uuid, dir -> {
            Map<String, Object> metadata = dir.checkpoint().metadata();
            Object format = metadata.get(FORMAT_KEY);
            if (!(format instanceof Number n) || n.intValue() != FORMAT_VERSION) {
                throw new IllegalStateException("checkpoint " + uuid + " has format version " + format + " ("
                        + FORMAT_KEY + "); this server reads version " + FORMAT_VERSION);
            }
            if (!trial.owns(metadata)) {
                throw new IllegalStateException("checkpoint " + uuid + " belongs to trial "
                        + metadata.get(TrialIdentity.EXPERIMENT_KEY) + "/" + metadata.get(TrialIdentity.TRIAL_KEY)
                        + ", not to " + trial.key());
            }
            TrainingState state = TrainingStateFiles.read(dir.root());
            List<StepResult> pending;
            try {
                pending = MetricAggregator.fromJson(Files.readString(dir.resolve(PENDING_METRICS), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IOException("checkpoint " + uuid + ": " + PENDING_METRICS + " is malformed: " + e.getMessage(), e);
            }
            return new Restored(dir.checkpoint(), state, pending);
        }, Verification.REQUIRED);
    }
}
