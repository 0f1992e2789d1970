package dev.determinedbatch.batch.support;

import dev.determinedbatch.json.JsonFields;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The metadata of a training checkpoint: what {@code metadata.json} holds and the master is
 * told. One record for the writer, the reader and the status API, so that every key is named
 * once. Fields other than the steps, the format and the trial are null in checkpoints written
 * without them (older ones, tests).
 *
 * @param format         {@value #FORMAT_KEY}: how the training files are laid out
 * @param trainerFormat  the trainer's own format version (also in {@code trainer.json})
 * @param metrics        the latest metrics per group when the checkpoint was taken
 */
public record TrainingCheckpointMetadata(long stepsCompleted, int format, Integer trainerFormat, Long totalSteps,
                                         String jobName, Long jobInstanceId, Long jobExecutionId, TrialIdentity trial,
                                         Long determinedExperimentId, Long determinedTrialId, String modelSha256,
                                         Map<String, Object> metrics) {

    public static final String FORMAT_KEY = "determined_batch_format";
    public static final int FORMAT_VERSION = 1;

    private static final String STEPS_COMPLETED = "steps_completed";
    private static final String TRAINER_FORMAT = "trainer_format_version";
    private static final String TOTAL_STEPS = "total_steps";
    private static final String JOB_NAME = "job_name";
    private static final String JOB_INSTANCE_ID = "job_instance_id";
    private static final String JOB_EXECUTION_ID = "job_execution_id";
    private static final String EXTERNAL_EXPERIMENT_ID = "external_experiment_id";
    private static final String EXTERNAL_TRIAL_ID = "external_trial_id";
    private static final String DETERMINED_EXPERIMENT_ID = "determined_experiment_id";
    private static final String DETERMINED_TRIAL_ID = "determined_trial_id";
    private static final String MODEL_SHA256 = "model_sha256";
    private static final String METRICS = "metrics";

    public TrainingCheckpointMetadata {
        if (trial == null) {
            throw new IllegalArgumentException("a training checkpoint names its trial");
        }
        metrics = metrics == null ? Map.of() : metrics;
    }

    /** As stored: Determined's {@code steps_completed} first, then ours, in a fixed order. */
    public Map<String, Object> toMap() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(STEPS_COMPLETED, stepsCompleted);
        metadata.put(FORMAT_KEY, format);
        putIfPresent(metadata, TRAINER_FORMAT, trainerFormat);
        putIfPresent(metadata, TOTAL_STEPS, totalSteps);
        putIfPresent(metadata, JOB_NAME, jobName);
        putIfPresent(metadata, JOB_INSTANCE_ID, jobInstanceId);
        putIfPresent(metadata, JOB_EXECUTION_ID, jobExecutionId);
        metadata.put(EXTERNAL_EXPERIMENT_ID, trial.externalExperimentId());
        metadata.put(EXTERNAL_TRIAL_ID, trial.externalTrialId());
        putIfPresent(metadata, DETERMINED_EXPERIMENT_ID, determinedExperimentId);
        putIfPresent(metadata, DETERMINED_TRIAL_ID, determinedTrialId);
        putIfPresent(metadata, MODEL_SHA256, modelSha256);
        metadata.put(METRICS, metrics);
        return metadata;
    }

    /** The trial a checkpoint's metadata names, if it names one: how shared storage tells trials apart. */
    public static Optional<TrialIdentity> trialOf(Map<String, Object> metadata) {
        if (metadata.get(EXTERNAL_EXPERIMENT_ID) instanceof String experiment && !experiment.isBlank()
                && metadata.get(EXTERNAL_TRIAL_ID) instanceof String trial && !trial.isBlank()) {
            return Optional.of(new TrialIdentity(experiment, trial));
        }
        return Optional.empty();
    }

    /** Whether a checkpoint's metadata names {@code trial}. */
    public static boolean belongsTo(Map<String, Object> metadata, TrialIdentity trial) {
        return trialOf(metadata).filter(trial::equals).isPresent();
    }

    /**
     * Reads the metadata of checkpoint {@code uuid}.
     *
     * @throws IllegalStateException naming the checkpoint and the key when it is of another
     *         format version, names no trial, or a key holds a value of the wrong type
     */
    public static TrainingCheckpointMetadata read(String uuid, Map<String, Object> metadata) {
        Object format = metadata.get(FORMAT_KEY);
        if (!(format instanceof Number n) || n.doubleValue() != FORMAT_VERSION) {
            throw new IllegalStateException("checkpoint " + uuid + " has format version " + format + " ("
                    + FORMAT_KEY + "); this server reads version " + FORMAT_VERSION);
        }
        TrialIdentity trial = trialOf(metadata).orElseThrow(() -> new IllegalStateException("checkpoint " + uuid
                + " names no trial (" + EXTERNAL_EXPERIMENT_ID + ", " + EXTERNAL_TRIAL_ID + ")"));
        JsonFields read = JsonFields.of(metadata, "checkpoint " + uuid + " metadata");
        try {
            Long trainer = read.optionalLong(TRAINER_FORMAT);
            return new TrainingCheckpointMetadata(read.longValue(STEPS_COMPLETED), FORMAT_VERSION,
                    trainer == null ? null : trainer.intValue(), read.optionalLong(TOTAL_STEPS),
                    read.optionalString(JOB_NAME), read.optionalLong(JOB_INSTANCE_ID), read.optionalLong(JOB_EXECUTION_ID),
                    trial, read.optionalLong(DETERMINED_EXPERIMENT_ID), read.optionalLong(DETERMINED_TRIAL_ID),
                    read.optionalString(MODEL_SHA256), read.optionalMap(METRICS));
        } catch (JsonFields.JsonFieldException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static void putIfPresent(Map<String, Object> metadata, String key, Object value) {
        if (value != null) {
            metadata.put(key, value);
        }
    }
}
