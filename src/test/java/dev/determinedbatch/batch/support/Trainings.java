package dev.determinedbatch.batch.support;

import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Properties;

/** Trainings as the registry holds them, without a session or data. */
public final class Trainings {

    private Trainings() {
    }

    /** Execution {@code executionId} of job {@code train}, training trial {@code tests/<executionId>}. */
    public static ActiveTraining of(long executionId) {
        Properties job = new Properties();
        job.setProperty("externalExperimentId", "tests");
        job.setProperty("externalTrialId", String.valueOf(executionId));
        TrainingJobParameters parameters = TrainingJobParameters.parse(job, new SmallRyeConfigBuilder().build(),
                "train", executionId);
        return new ActiveTraining(parameters, new JobRecord("train", executionId, executionId), null, null);
    }

    /** Attaches a training as its lifecycle listener does. */
    public static ActiveTraining attach(TrialRegistry registry, long executionId) {
        ActiveTraining training = of(executionId);
        registry.claim(training.parameters().trial(), executionId);
        registry.attach(executionId, training);
        return training;
    }

    public static void release(TrialRegistry registry, ActiveTraining training) {
        registry.release(training.parameters().trial(), training.job().executionId());
    }
}
