package dev.determinedbatch.recovery;

/**
 * The Determined trial an execution reports to, as recorded when it opened the trial, so that a
 * server recovering the execution after a crash can tell the master the trial failed (the master
 * ends no unmanaged trial by itself).
 *
 * @param trialKey   the client's name of the trial at its master (the spill file's name), which
 *                   also names the master
 * @param trialId    the master's trial id
 * @param trialRunId the run the execution started
 * @param trialName  the external experiment and trial ids, for the log
 */
public record ExecutionTrial(long instanceId, long executionId, String trialKey, long trialId, int trialRunId,
                             String trialName) {

    public ExecutionTrial {
        if (trialKey == null || trialKey.isBlank() || trialKey.length() > ExecutionTrials.MAX_KEY) {
            throw new IllegalArgumentException("a trial key of 1 to " + ExecutionTrials.MAX_KEY
                    + " characters is required, got " + trialKey);
        }
        if (trialName == null) {
            trialName = "";
        } else if (trialName.length() > ExecutionTrials.MAX_NAME) {
            trialName = trialName.substring(0, ExecutionTrials.MAX_NAME);
        }
    }

    /** For the log: {@code train/train-3 (trial 7, run 2) of job execution 12}. */
    public String describe() {
        return trialName + " (Determined trial " + trialId + ", run " + trialRunId + ") of job execution "
                + executionId;
    }
}
