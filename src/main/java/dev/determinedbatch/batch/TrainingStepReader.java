package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.ActiveTraining;
import dev.determinedbatch.batch.support.CheckpointReference;
import dev.determinedbatch.batch.support.MetricAggregator;
import dev.determinedbatch.batch.support.TrainingData;
import dev.determinedbatch.batch.support.TrainingCheckpoints;
import dev.determinedbatch.batch.support.TrialIdentity;
import dev.determinedbatch.client.Checkpoints;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.training.StepResult;
import dev.determinedbatch.training.TrainingRun;
import jakarta.batch.api.chunk.ItemReader;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import java.util.logging.Logger;

/**
 * Opens the training (fresh, or resumed from the better of the job repository's and the
 * master's checkpoint, falling back to the next good one when it cannot be restored) and hands
 * out one item per training step. Its checkpoint info is the
 * String reference {@code "<uuid>@<steps>"} of the last stored Determined checkpoint.
 */
@Dependent
@Named("trainingStepReader")
public class TrainingStepReader implements ItemReader {

    private static final Logger LOG = Logger.getLogger(TrainingStepReader.class.getName());

    private final JobContext job;

    @Inject
    public TrainingStepReader(JobContext job) {
        this.job = job;
    }

    @Override
    public void open(Serializable checkpoint) {
        ActiveTraining training = ActiveTraining.of(job);
        int reportEvery = training.parameters().reportEverySteps();
        TrialIdentity trial = training.parameters().trial();
        List<ResumePoint> references = ResumePoint.candidates(CheckpointReference.parse(checkpoint),
                training.session().info());
        if (references.isEmpty()) {
            training.begin(TrainingRun.start(training.parameters().training(), training.data()),
                    new MetricAggregator(reportEvery, List.of()), null);
            LogCode.TRAINING_FROM_STEP_0.log(LOG, job.getExecutionId(), trial.key());
            reportData(training);
            return;
        }
        Checkpoints checkpoints = training.session().checkpoints();
        ResumeFallback fallback = new ResumeFallback("trial " + trial.key(),
                warning -> LogCode.RESUME_CHECKPOINT_SKIPPED.log(LOG, job.getExecutionId(), warning));
        ResumeFallback.Resumed<Opened> resumed = fallback.firstGood(references,
                () -> TrainingCheckpoints.ofTrial(checkpoints, trial), point -> open(training, point));
        ResumePoint point = resumed.point();
        TrainingRun run = resumed.restored().run();
        training.begin(run, new MetricAggregator(reportEvery, resumed.restored().pendingMetrics()), point.checkpoint());
        (point.unreported() ? LogCode.TRAINING_RESUMES_FROM_UNREPORTED : LogCode.TRAINING_RESUMES).log(LOG,
                job.getExecutionId(), trial.key(), run.stepsCompleted(), point.checkpoint().uuid(), point.source(),
                point.reason());
        reportData(training);
    }

    /**
     * The data's counts, once a run, at the step it starts from: a later run's report there
     * archives only earlier runs' reports at or past that step (the master's rollback), and
     * never meets one of its own run, which the master would refuse as a duplicate.
     */
    private static void reportData(ActiveTraining training) {
        training.session().metrics().reportMetrics(TrainingData.METRIC_GROUP, training.run().stepsCompleted(),
                training.dataset().metrics(), null);
    }

    /** A checkpoint restored and the run resumed from it: both must work for it to be good. */
    private record Opened(TrainingRun run, List<StepResult> pendingMetrics) {
    }

    private static Opened open(ActiveTraining training, ResumePoint point) {
        TrainingCheckpoints.Restored restored = TrainingCheckpoints.restore(training.session().checkpoints(),
                point.checkpoint().uuid(), training.parameters().trial());
        return new Opened(TrainingRun.resume(training.parameters().training(), training.data(), restored.state()),
                restored.pendingMetrics());
    }

    /** The number of the next step, or null when training is done. */
    @Override
    public Object readItem() {
        TrainingRun run = ActiveTraining.of(job).run();
        return run.finished() ? null : run.stepsCompleted() + 1;
    }

    @Override
    public Serializable checkpointInfo() {
        CheckpointReference last = ActiveTraining.of(job).lastCheckpoint();
        return last == null ? null : last.toString();
    }

    @Override
    public void close() {
    }
}
