package dev.determinedbatch.batch.support;

import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.storage.StoredCheckpoint;
import java.util.logging.Logger;

/**
 * What the training job does at a chunk boundary: one checkpoint of the whole state. Its
 * snapshot is taken on the training thread and written by the execution's
 * {@link BackgroundCheckpointWriter}, while training goes on; the last chunk (training done) and
 * a chunk ended by a stop are written synchronously, so that the step ends, and a stop returns,
 * only once its final checkpoint is durable.
 */
public final class CheckpointBoundary {

    private static final Logger LOG = Logger.getLogger(CheckpointBoundary.class.getName());

    private CheckpointBoundary() {
    }

    /**
     * Checkpoints {@code training} now.
     *
     * @param stopping whether a stop was requested: then the checkpoint is written before this returns
     * @throws BackgroundCheckpointWriter.WriteFailedException when this or an earlier checkpoint's
     *                                                         write failed
     */
    public static void reached(ActiveTraining training, boolean stopping) {
        BackgroundCheckpointWriter writer = training.checkpointWriter();
        String what = "the checkpoint at step " + training.run().stepsCompleted();
        if (stopping || training.run().finished()) {
            writer.writeNow(what, () -> write(training));
        } else {
            writer.handOver(what, () -> write(training));
        }
    }

    /** Takes the snapshot here, on the training thread; the write stores and reports it later. */
    private static BackgroundCheckpointWriter.Write write(ActiveTraining training) {
        TrainingCheckpoints.Snapshot snapshot = TrainingCheckpoints.snapshot(training);
        return () -> {
            StoredCheckpoint stored = snapshot.store(training.session().checkpoints());
            LogCode.CHECKPOINT_WRITTEN.log(LOG, training.job().executionId(), stored.uuid(),
                    String.valueOf(stored.stepsCompleted()), String.valueOf(snapshot.totalSteps()));
            return new CheckpointReference(stored.uuid(), stored.stepsCompleted());
        };
    }
}
