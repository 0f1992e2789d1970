package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.ActiveTraining;
import dev.determinedbatch.batch.support.CheckpointBoundary;
import jakarta.batch.api.chunk.AbstractItemWriter;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;

/**
 * At each chunk boundary (JBeret writes a chunk's items in one call), makes ONE Determined
 * checkpoint of the whole training state (see {@link CheckpointBoundary}): the state is copied
 * here and stored and reported in the background while the next chunk trains; the next boundary
 * waits only if that write still runs. The reader's checkpoint info, which JBeret commits after
 * this, is the newest checkpoint that is durable by then, never one still being written. The
 * last chunk and a chunk ended by a stop are written before this returns. If JBeret's commit then
 * fails or is refused because a stop was requested, the master already holds a checkpoint newer
 * than the job repository's reference; the next run sees both and resumes from the further one,
 * so no step is lost or trained twice into the final weights.
 */
@Dependent
@Named("trainingCheckpointWriter")
public class TrainingCheckpointWriter extends AbstractItemWriter {

    private final JobContext job;

    @Inject
    public TrainingCheckpointWriter(JobContext job) {
        this.job = job;
    }

    @Override
    public void writeItems(List<Object> steps) {
        CheckpointBoundary.reached(ActiveTraining.of(job), job.getBatchStatus() == BatchStatus.STOPPING);
    }

    /** Waits for the write in flight; its failure, not yet thrown at a boundary, fails the step. */
    @Override
    public void close() {
        ActiveTraining training = ActiveTraining.of(job);
        try {
            training.closeCheckpointWriter();
        } catch (RuntimeException e) {
            training.failed(e);
            throw e;
        }
    }
}
