package dev.determinedbatch.batch.support;

import dev.determinedbatch.client.TrialSession;
import dev.determinedbatch.training.DigitsDataset;
import dev.determinedbatch.training.TrainingRun;
import jakarta.batch.runtime.context.JobContext;
import java.util.Map;

/**
 * One execution's training: its Determined session, data and the run the reader starts or
 * resumes. Kept as the job context's transient user data, which every artifact of the
 * execution sees; the lifecycle listener creates it before the step and closes it after.
 */
public final class ActiveTraining {

    private final TrainingJobParameters parameters;
    private final JobRecord job;
    private final TrialSession session;
    private final TrainingData data;
    private volatile TrainingRun run;
    private volatile MetricAggregator metrics;
    private volatile CheckpointReference lastCheckpoint;
    private volatile Throwable failure;
    private volatile Map<String, Object> lastTrainingMetrics = Map.of();
    private volatile Map<String, Object> lastValidationMetrics;
    private BackgroundCheckpointWriter checkpointWriter;

    public ActiveTraining(TrainingJobParameters parameters, JobRecord job, TrialSession session,
                          TrainingData data) {
        this.parameters = parameters;
        this.job = job;
        this.session = session;
        this.data = data;
    }

    /** The training of the execution {@code context} belongs to. */
    public static ActiveTraining of(JobContext context) {
        if (context.getTransientUserData() instanceof ActiveTraining training) {
            return training;
        }
        throw new IllegalStateException("job '" + context.getJobName() + "' execution " + context.getExecutionId()
                + " has no training: its job XML must list the listener 'trialLifecycleListener'");
    }

    public TrainingJobParameters parameters() {
        return parameters;
    }

    public JobRecord job() {
        return job;
    }

    public TrialSession session() {
        return session;
    }

    /** The training and validation rows. */
    public DigitsDataset.Split data() {
        return data.split();
    }

    /** The data with its counts of valid and skipped rows. */
    public TrainingData dataset() {
        return data;
    }

    public TrainingRun run() {
        if (run == null) {
            throw new IllegalStateException("the training of execution " + job.executionId() + " has not been opened");
        }
        return run;
    }

    public void begin(TrainingRun run, MetricAggregator metrics, CheckpointReference resumedFrom) {
        this.run = run;
        this.metrics = metrics;
        this.lastCheckpoint = resumedFrom;
    }

    public boolean begun() {
        return run != null;
    }

    public MetricAggregator metrics() {
        return metrics;
    }

    /**
     * The newest durable checkpoint: the one resumed from, then each one the checkpoint writer
     * has stored and reported. The reader's checkpoint info, so the job repository never refers
     * to a checkpoint still being written.
     */
    public CheckpointReference lastCheckpoint() {
        return lastCheckpoint;
    }

    public void checkpointed(CheckpointReference reference) {
        this.lastCheckpoint = reference;
    }

    /**
     * The execution's checkpoint writer, made on first use: one background thread that stores
     * and reports checkpoints and moves {@link #lastCheckpoint()} on as each becomes durable.
     */
    public synchronized BackgroundCheckpointWriter checkpointWriter() {
        if (checkpointWriter == null) {
            checkpointWriter = BackgroundCheckpointWriter.daemon("execution " + job.executionId(), lastCheckpoint,
                    this::checkpointed);
        }
        return checkpointWriter;
    }

    /**
     * Waits for the checkpoint write in flight, if any, and ends the writer's thread; a write's
     * failure not yet thrown is thrown here (see {@link BackgroundCheckpointWriter#close}).
     *
     * @return whether a write was still in flight
     */
    public synchronized boolean closeCheckpointWriter() {
        if (checkpointWriter == null) {
            return false;
        }
        BackgroundCheckpointWriter writer = checkpointWriter;
        checkpointWriter = null;
        boolean writing = writer.writing();
        writer.close();
        return writing;
    }

    public Throwable failure() {
        return failure;
    }

    public void failed(Throwable failure) {
        if (this.failure == null) {
            this.failure = failure;
        }
    }

    public Map<String, Object> lastTrainingMetrics() {
        return lastTrainingMetrics;
    }

    public void reportedTraining(Map<String, Object> averages) {
        this.lastTrainingMetrics = Map.copyOf(averages);
    }

    /** The last reported training and validation metrics, and the data's counts, by group. */
    public Map<String, Object> latestMetrics() {
        Map<String, Object> metrics = new java.util.LinkedHashMap<>();
        metrics.put(TrainingData.METRIC_GROUP, data.metrics());
        metrics.put("training", lastTrainingMetrics);
        Map<String, Object> validation = lastValidationMetrics;
        if (validation != null) {
            metrics.put("validation", validation);
        }
        return metrics;
    }

    /** The validation metrics as reported. */
    public void validated(Map<String, Object> reported) {
        this.lastValidationMetrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(reported));
    }
}
