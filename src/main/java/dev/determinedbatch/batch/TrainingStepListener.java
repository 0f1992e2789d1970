package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.ActiveTraining;
import jakarta.batch.api.listener.StepListener;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Keeps the step's failure, if any, so that the trial's ERROR carries its cause. */
@Dependent
@Named("trainingStepListener")
public class TrainingStepListener implements StepListener {

    private final JobContext job;
    private final StepContext step;

    @Inject
    public TrainingStepListener(JobContext job, StepContext step) {
        this.job = job;
        this.step = step;
    }

    @Override
    public void beforeStep() {
    }

    @Override
    public void afterStep() {
        if (step.getException() != null) {
            ActiveTraining.of(job).failed(step.getException());
        }
    }
}
