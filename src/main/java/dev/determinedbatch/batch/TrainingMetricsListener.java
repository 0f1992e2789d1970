package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.ActiveTraining;
import dev.determinedbatch.client.Metrics;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.training.Evaluation;
import dev.determinedbatch.training.StepResult;
import dev.determinedbatch.training.TrainingRun;
import jakarta.batch.api.chunk.listener.ItemProcessListener;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Reports training metrics every K steps (averages and each step as batch metrics), validation
 * metrics on the held-out split at each epoch's end, and progress. Reports are queued, so the
 * training thread never waits on the network.
 */
@Dependent
@Named("trainingMetricsListener")
public class TrainingMetricsListener implements ItemProcessListener {

    private static final Logger LOG = Logger.getLogger(TrainingMetricsListener.class.getName());

    private final JobContext job;

    @Inject
    public TrainingMetricsListener(JobContext job) {
        this.job = job;
    }

    @Override
    public void beforeProcess(Object item) {
    }

    @Override
    public void afterProcess(Object item, Object result) {
        ActiveTraining training = ActiveTraining.of(job);
        TrainingRun run = training.run();
        StepResult step = (StepResult) result;
        Metrics metrics = training.session().metrics();
        training.metrics().add(step, run.finished()).ifPresent(report -> {
            metrics.reportTrainingMetrics(report.stepsCompleted(), report.averages(), report.batches());
            metrics.reportProgress((double) run.stepsCompleted() / run.totalSteps());
            training.reportedTraining(report.averages());
        });
        if (step.endOfEpoch()) {
            Evaluation validation = run.evaluate(training.data().validation());
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("loss", (double) validation.loss());
            values.put("accuracy", (double) validation.accuracy());
            metrics.reportValidationMetrics(step.step(), values);
            training.validated(values);
            LogCode.EPOCH_DONE.log(LOG, job.getExecutionId(), step.epoch() + 1, String.valueOf(step.step()),
                    String.valueOf(run.totalSteps()), training.lastTrainingMetrics().get("loss"), validation.loss(),
                    validation.accuracy());
        }
    }

    @Override
    public void onProcessError(Object item, Exception failure) {
        ActiveTraining.of(job).failed(failure);
    }
}
