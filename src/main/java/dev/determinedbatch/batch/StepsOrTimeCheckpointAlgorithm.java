package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.ActiveTraining;
import dev.determinedbatch.batch.support.TrainingJobParameters;
import jakarta.batch.api.chunk.CheckpointAlgorithm;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Ends a chunk, and so makes a checkpoint, every N steps (counted from the start of training,
 * so a resumed run checkpoints at the same steps as an uninterrupted one), every T seconds on an
 * injected clock, and at once when a stop is requested. N and T come from the job parameters
 * {@code checkpointEverySteps} and {@code checkpointEverySeconds}; 0 turns either off.
 */
@Dependent
@Named("stepsOrTimeCheckpointAlgorithm")
public class StepsOrTimeCheckpointAlgorithm implements CheckpointAlgorithm {

    private final JobContext job;
    private final Clock clock;
    private Instant chunkStart;

    @Inject
    public StepsOrTimeCheckpointAlgorithm(JobContext job, Clock clock) {
        this.job = job;
        this.clock = clock;
    }

    @Override
    public int checkpointTimeout() {
        return 0;
    }

    @Override
    public void beginCheckpoint() {
        chunkStart = clock.instant();
    }

    @Override
    public boolean isReadyToCheckpoint() {
        if (job.getBatchStatus() == BatchStatus.STOPPING) {
            return true;
        }
        ActiveTraining training = ActiveTraining.of(job);
        TrainingJobParameters parameters = training.parameters();
        long steps = training.run().stepsCompleted();
        if (parameters.checkpointEverySteps() > 0 && steps % parameters.checkpointEverySteps() == 0) {
            return true;
        }
        return parameters.checkpointEverySeconds() > 0 && chunkStart != null
                && !Duration.between(chunkStart, clock.instant()).minusSeconds(parameters.checkpointEverySeconds()).isNegative();
    }

    @Override
    public void endCheckpoint() {
    }
}
