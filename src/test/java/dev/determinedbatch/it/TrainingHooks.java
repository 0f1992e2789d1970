package dev.determinedbatch.it;

import dev.determinedbatch.training.StepResult;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.chunk.listener.ItemProcessListener;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Test-only: takes a training job to an exact step, by step number rather than by timing.
 * {@code stopAtStep}: requests a stop right after that step; {@code failAtStep}: fails at that
 * step in the instance's first execution only; {@code holdAtStep}: waits there (bounded) until a
 * stop is requested from outside.
 */
@Dependent
@Named("trainingHooks")
public class TrainingHooks implements ItemProcessListener {

    private final JobContext job;
    private final long stopAtStep;
    private final long failAtStep;
    private final long holdAtStep;

    @Inject
    public TrainingHooks(JobContext job,
                         @BatchProperty(name = "stopAtStep") String stopAtStep,
                         @BatchProperty(name = "failAtStep") String failAtStep,
                         @BatchProperty(name = "holdAtStep") String holdAtStep) {
        this.job = job;
        this.stopAtStep = parse(stopAtStep);
        this.failAtStep = parse(failAtStep);
        this.holdAtStep = parse(holdAtStep);
    }

    @Override
    public void beforeProcess(Object item) {
    }

    @Override
    public void afterProcess(Object item, Object result) {
        long step = ((StepResult) result).step();
        JobOperator operator = BatchRuntime.getJobOperator();
        if (step == stopAtStep) {
            operator.stop(job.getExecutionId());
        }
        if (step == failAtStep && operator.getJobExecutions(operator.getJobInstance(job.getExecutionId())).size() == 1) {
            throw new IllegalStateException("test hook: failing at step " + step);
        }
        if (step == holdAtStep) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (job.getBatchStatus() != BatchStatus.STOPPING && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }

    @Override
    public void onProcessError(Object item, Exception ex) {
    }

    private static long parse(String value) {
        return value == null || value.isBlank() ? -1 : Long.parseLong(value.strip());
    }
}
