package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.ActiveTraining;
import dev.determinedbatch.batch.support.CheckpointReference;
import dev.determinedbatch.batch.support.MetricAggregator;
import dev.determinedbatch.batch.support.TrainingCheckpoints;
import dev.determinedbatch.training.TrainingRun;
import jakarta.batch.api.chunk.ItemReader;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Opens the training (fresh, or resumed from the better of the job repository's and the
 * master's checkpoint) and hands out one item per training step. Its checkpoint info is the
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
        Optional<ResumePoint> resume = ResumePoint.choose(CheckpointReference.parse(checkpoint), training.session().info());
        if (resume.isEmpty()) {
            training.begin(TrainingRun.start(training.parameters().training(), training.data()),
                    new MetricAggregator(reportEvery, List.of()), null);
            LOG.log(Level.INFO, "execution {0}: trial {1} starts from step 0 (no checkpoint to resume from)",
                    new Object[] {job.getExecutionId(), training.parameters().trial().key()});
            return;
        }
        ResumePoint point = resume.get();
        TrainingCheckpoints.Restored restored = TrainingCheckpoints.restore(training.session().checkpoints(),
                point.checkpoint().uuid(), training.parameters().trial());
        TrainingRun run = TrainingRun.resume(training.parameters().training(), training.data(), restored.state());
        training.begin(run, new MetricAggregator(reportEvery, restored.pendingMetrics()), point.checkpoint());
        LOG.log(point.unreported() ? Level.WARNING : Level.INFO,
                "execution {0}: trial {1} resumes at step {2} from checkpoint {3} of {4}: {5}",
                new Object[] {job.getExecutionId(), training.parameters().trial().key(), run.stepsCompleted(),
                    point.checkpoint().uuid(), point.source(), point.reason()});
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
