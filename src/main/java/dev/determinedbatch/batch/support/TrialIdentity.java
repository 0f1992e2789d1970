package dev.determinedbatch.batch.support;

import java.util.Map;

/**
 * The Determined trial a job instance reports to: its external experiment and trial ids.
 * Defaults come from the job (name, instance id), so every restart of an instance finds the
 * same trial.
 */
public record TrialIdentity(String externalExperimentId, String externalTrialId) {

    /** The checkpoint metadata keys that name the trial a checkpoint belongs to. */
    public static final String EXPERIMENT_KEY = "external_experiment_id";
    public static final String TRIAL_KEY = "external_trial_id";

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

    /** The metadata a checkpoint of this trial carries, so that it can be told from others in shared storage. */
    public void stamp(Map<String, Object> metadata) {
        metadata.put(EXPERIMENT_KEY, externalExperimentId);
        metadata.put(TRIAL_KEY, externalTrialId);
    }

    /** Whether a checkpoint's metadata names this trial. */
    public boolean owns(Map<String, Object> metadata) {
        return externalExperimentId.equals(metadata.get(EXPERIMENT_KEY)) && externalTrialId.equals(metadata.get(TRIAL_KEY));
    }

    /** One string for logs and the registry of running trials. */
    public String key() {
        return externalExperimentId + "/" + externalTrialId;
    }
}
