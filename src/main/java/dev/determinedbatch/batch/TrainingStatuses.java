package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.ActiveTraining;
import dev.determinedbatch.batch.support.JobRecord;
import dev.determinedbatch.batch.support.TrainingCheckpointMetadata;
import dev.determinedbatch.batch.support.TrainingJobParameters;
import dev.determinedbatch.batch.support.TrialIdentity;
import dev.determinedbatch.batch.support.TrialRegistry;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.training.TrainingRun;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.JobInstance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * Answers "how far is this training?" for any execution: from the live run when this server
 * runs it, else from the trial's furthest checkpoint, whose metadata records steps, metrics
 * and the weights' hash.
 */
@ApplicationScoped
public class TrainingStatuses {

    private TrialRegistry registry;
    private TrainingEnvironment environment;

    /** For the client proxy of CDI. */
    protected TrainingStatuses() {
    }

    @Inject
    public TrainingStatuses(TrialRegistry registry, TrainingEnvironment environment) {
        this.registry = registry;
        this.environment = environment;
    }

    /** @throws jakarta.batch.operations.NoSuchJobExecutionException for an unknown execution */
    public TrainingStatus of(long executionId) {
        JobOperator operator = BatchRuntime.getJobOperator();
        JobExecution execution = operator.getJobExecution(executionId);
        String status = execution.getBatchStatus().name();
        Optional<ActiveTraining> live = registry.training(executionId).filter(ActiveTraining::begun);
        if (live.isPresent()) {
            ActiveTraining training = live.get();
            TrainingRun run = training.run();
            return new TrainingStatus(executionId, status, training.session().info().experimentId(),
                    training.session().info().trialId(), run.stepsCompleted(), run.totalSteps(),
                    training.lastCheckpoint() == null ? null : training.lastCheckpoint().uuid(),
                    training.latestMetrics(), run.finished() ? run.modelSha256() : null);
        }
        JobInstance instance = operator.getJobInstance(executionId);
        TrainingJobParameters parameters = environment.parameters(
                new JobRecord(instance.getJobName(), instance.getInstanceId(), executionId));
        Optional<StoredCheckpoint> furthest = furthestCheckpoint(parameters);
        if (furthest.isEmpty()) {
            return new TrainingStatus(executionId, status, null, null, 0, null, null, Map.of(), null);
        }
        StoredCheckpoint checkpoint = furthest.get();
        TrainingCheckpointMetadata metadata = TrainingCheckpointMetadata.read(checkpoint.uuid(), checkpoint.metadata());
        Long total = metadata.totalSteps();
        return new TrainingStatus(executionId, status, metadata.determinedExperimentId(), metadata.determinedTrialId(),
                metadata.stepsCompleted(), total, checkpoint.uuid(), metadata.metrics(),
                total != null && metadata.stepsCompleted() == total ? metadata.modelSha256() : null);
    }

    private Optional<StoredCheckpoint> furthestCheckpoint(TrainingJobParameters parameters) {
        TrialIdentity trial = parameters.trial();
        try {
            return environment.storage(parameters).list().stream()
                    .filter(c -> TrainingCheckpointMetadata.belongsTo(c.metadata(), trial))
                    .max(Comparator.comparingLong(StoredCheckpoint::stepsCompleted));
        } catch (IOException e) {
            throw new UncheckedIOException("listing the checkpoints of trial " + trial.key() + " failed", e);
        }
    }
}
