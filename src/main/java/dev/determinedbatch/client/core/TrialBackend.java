package dev.determinedbatch.client.core;

import dev.determinedbatch.storage.StoredCheckpoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where a trial's record lives: a Determined master, or local files when none is configured.
 * Calls may block on I/O; the session keeps them off the training thread where it must.
 */
public interface TrialBackend extends AutoCloseable {

    /**
     * Creates or finds the experiment and trial, starts a new run, registers the checkpoint
     * storage and marks the trial RUNNING.
     */
    TrialInfo start(TrialSpec spec, Map<String, Object> storageConfig);

    /** Metadata entries this backend adds to every checkpoint it will later recognise. */
    default Map<String, Object> checkpointTags() {
        return Map.of();
    }

    void heartbeat();

    void reportMetrics(MetricReport report);

    void reportProgress(double progress);

    /** Reports a complete, durable checkpoint. */
    void reportCheckpoint(StoredCheckpoint checkpoint, Instant reportTime);

    /** Tells the record these checkpoints are gone (the files are the storage's to delete). */
    void deleteCheckpoints(List<String> uuids);

    void setState(TrialState state);

    void shipLogs(List<LogLine> lines);

    @Override
    default void close() {
    }
}
