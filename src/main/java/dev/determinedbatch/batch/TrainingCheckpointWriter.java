package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.ActiveTraining;
import dev.determinedbatch.batch.support.CheckpointReference;
import dev.determinedbatch.batch.support.TrainingCheckpoints;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.storage.StoredCheckpoint;
import jakarta.batch.api.chunk.AbstractItemWriter;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;
import java.util.logging.Logger;

/**
 * At each chunk boundary (JBeret writes a chunk's items in one call), stores the whole training
 * state as ONE Determined checkpoint and reports it, before JBeret commits the chunk. If that
 * commit then fails or is refused because a stop was requested, the master already holds a
 * checkpoint newer than the job repository's reference; the next run sees both and resumes from
 * the further one, so no step is lost or trained twice into the final weights.
 */
@Dependent
@Named("trainingCheckpointWriter")
public class TrainingCheckpointWriter extends AbstractItemWriter {

    private static final Logger LOG = Logger.getLogger(TrainingCheckpointWriter.class.getName());

    private final JobContext job;

    @Inject
    public TrainingCheckpointWriter(JobContext job) {
        this.job = job;
    }

    @Override
    public void writeItems(List<Object> steps) {
        ActiveTraining training = ActiveTraining.of(job);
        StoredCheckpoint stored = TrainingCheckpoints.store(training);
        training.checkpointed(new CheckpointReference(stored.uuid(), stored.stepsCompleted()));
        LogCode.CHECKPOINT_WRITTEN.log(LOG, job.getExecutionId(), stored.uuid(),
                String.valueOf(stored.stepsCompleted()), String.valueOf(training.run().totalSteps()));
    }
}
