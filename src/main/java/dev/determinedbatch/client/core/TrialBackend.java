package dev.determinedbatch.client.core;

import java.util.List;
import java.util.Map;

/**
 * Where a trial's record lives: a Determined master, or local files when none is configured.
 * Calls may block on I/O; the session keeps them off the training thread where it must. A
 * failure is a {@link DeterminedException}; its {@link DeterminedException#retryable()} tells an
 * unreachable record from a refusal.
 */
public interface TrialBackend extends AutoCloseable {

    /**
     * Creates or finds the experiment and trial, starts a new run, registers the checkpoint
     * storage and marks the trial RUNNING. Once the trial is known and before its new run starts,
     * calls {@code beforeRun}, so that reports an earlier run left undelivered can still be
     * delivered under that run's id.
     */
    TrialInfo start(TrialSpec spec, Map<String, Object> storageConfig, BeforeRun beforeRun);

    /** Metadata entries this backend adds to every checkpoint it will later recognise. */
    default Map<String, Object> checkpointTags() {
        return Map.of();
    }

    void heartbeat();

    /**
     * Delivers a report as it was made (its own trial, run, task and storage ids).
     *
     * @param retry an earlier try of this report may have been carried out although its answer
     *              never arrived (or its process ended before it knew): a refusal as a duplicate
     *              then counts as delivered
     * @throws RunSupersededException when its run is no longer the trial's current one
     */
    void deliver(Report report, boolean retry);

    /** Tells the record these checkpoints are gone (the files are the storage's to delete). */
    void deleteCheckpoints(List<String> uuids);

    void setState(TrialState state);

    void shipLogs(List<LogLine> lines);

    @Override
    default void close() {
    }

    /** Runs once the trial is known, before its new run starts. */
    @FunctionalInterface
    interface BeforeRun {
        /**
         * @param trialKey names the trial: the same for every run of it, different for other
         *                 trials and other masters, usable as a file name
         */
        void trialKnown(String trialKey);
    }
}
