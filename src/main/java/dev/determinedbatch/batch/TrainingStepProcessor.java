package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.ActiveTraining;
import dev.determinedbatch.training.TrainingRun;
import jakarta.batch.api.chunk.ItemProcessor;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Trains one step: one mini-batch of SGD. Its result is the step's loss and accuracy. */
@Dependent
@Named("trainingStepProcessor")
public class TrainingStepProcessor implements ItemProcessor {

    private final JobContext job;

    @Inject
    public TrainingStepProcessor(JobContext job) {
        this.job = job;
    }

    @Override
    public Object processItem(Object step) {
        TrainingRun run = ActiveTraining.of(job).run();
        long expected = run.stepsCompleted() + 1;
        if (!(step instanceof Long n) || n != expected) {
            throw new IllegalStateException("step " + step + " arrived out of order; the run expects step " + expected);
        }
        return run.step();
    }
}
