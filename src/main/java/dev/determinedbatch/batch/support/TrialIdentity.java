package dev.determinedbatch.batch.support;

/**
 * The Determined trial a job instance reports to: its external experiment and trial ids.
 * Defaults come from the job (name, instance id), so every restart of an instance finds the
 * same trial.
 */
public record TrialIdentity(String externalExperimentId, String externalTrialId) {

    public TrialIdentity {
        if (externalExperimentId == null || externalExperimentId.isBlank()) {
            throw new IllegalArgumentException("job parameter 'externalExperimentId' must not be blank");
        }
        if (externalTrialId == null || externalTrialId.isBlank()) {
            throw new IllegalArgumentException("job parameter 'externalTrialId' must not be blank");
        }
    }

    public static TrialIdentity defaultFor(String jobName, long jobInstanceId) {
        return new TrialIdentity(jobName, jobName + "-" + jobInstanceId);
    }

    /** One string for logs and the registry of running trials. */
    public String key() {
        return externalExperimentId + "/" + externalTrialId;
    }
}
