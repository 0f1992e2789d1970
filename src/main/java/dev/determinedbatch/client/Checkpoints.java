package dev.determinedbatch.client;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.TrialBackend;
import dev.determinedbatch.client.core.TrialInfo;
import dev.determinedbatch.client.delivery.ReportQueue;
import dev.determinedbatch.client.delivery.ReportSender;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.storage.CheckpointFile;
import dev.determinedbatch.storage.CheckpointReader;
import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.CheckpointUuid;
import dev.determinedbatch.storage.CheckpointWriter;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.Verification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A trial's checkpoints: Determined's {@code core.checkpoint}. {@link #store} writes a complete,
 * durable checkpoint and only then reports it, so the master never points at a partial one. The
 * report goes out in order with the metrics; while the master is unreachable it waits in the
 * spill file, and the master learns of the checkpoint once it is back.
 */
public final class Checkpoints {

    private static final Logger LOG = Logger.getLogger(Checkpoints.class.getName());

    private final CheckpointStorage storage;
    private final TrialBackend backend;
    private final ReportSender sender;
    private final ReportQueue queue;
    private final TrialInfo trial;
    private final Clock clock;

    Checkpoints(CheckpointStorage storage, TrialBackend backend, ReportSender sender, ReportQueue queue,
                TrialInfo trial, Clock clock) {
        this.storage = storage;
        this.backend = backend;
        this.sender = sender;
        this.queue = queue;
        this.trial = trial;
        this.clock = clock;
    }

    /**
     * {@code store_path}: the files {@code files} writes, plus {@code metadata.json}, become one
     * checkpoint, which is then reported. While the master is unreachable, the report waits in
     * the spill file and this returns: the checkpoint is stored, the master learns of it later
     * (in this session, or before the next session of the trial starts its run).
     *
     * @param metadata must hold {@code steps_completed}
     * @throws DeterminedException when the checkpoint was stored but the master refused its
     *                             report; the message names its uuid
     */
    public StoredCheckpoint store(Map<String, Object> metadata, CheckpointWriter files) {
        return storeTagged(metadata, tagged -> storage.store(tagged, files));
    }

    /**
     * {@code store_path} of files given by name (see
     * {@link CheckpointStorage#store(Map, Map)}): the storage may write them in parallel,
     * checksumming each as it is written; then the checkpoint is reported, as above.
     */
    public StoredCheckpoint store(Map<String, Object> metadata, Map<String, CheckpointFile> files) {
        return storeTagged(metadata, tagged -> storage.store(tagged, files));
    }

    /** One way of storing a checkpoint with the metadata given. */
    @FunctionalInterface
    private interface Store {

        StoredCheckpoint store(Map<String, Object> tagged) throws IOException;
    }

    private StoredCheckpoint storeTagged(Map<String, Object> metadata, Store files) {
        Map<String, Object> tagged = new LinkedHashMap<>(metadata);
        tagged.putAll(backend.checkpointTags());
        StoredCheckpoint stored;
        try {
            stored = files.store(tagged);
        } catch (IOException e) {
            throw new UncheckedIOException("storing a checkpoint in " + storage.config() + " failed: "
                    + e.getMessage(), e);
        }
        Report.Checkpoint report = new Report.Checkpoint(trial.taskId(), trial.storageId(), stored, clock.instant());
        ReportQueue.Outcome outcome;
        try {
            outcome = sender.reportAndWait(report);
        } catch (RuntimeException e) {
            throw new DeterminedException(report.describe() + " is stored but reporting it failed: " + e.getMessage(), e);
        }
        if (outcome == ReportQueue.Outcome.KEPT) {
            LogCode.CHECKPOINT_REPORT_WAITS.log(LOG, report.describe(), queue.spillFile());
        } else {
            LOG.log(Level.FINE, "checkpoint {0} stored and reported", stored.uuid());
        }
        return stored;
    }

    /**
     * {@code restore_path}: reads a checkpoint by uuid, checked against its checksum manifest
     * when it has one (Determined's client writes none).
     */
    public <T> T restore(String uuid, CheckpointReader<T> reader) {
        return restore(uuid, reader, Verification.IF_PRESENT);
    }

    /**
     * {@code restore_path}, for a checkpoint the caller may know was written with a checksum
     * manifest: with {@link Verification#REQUIRED} one without it is refused as corrupt.
     */
    public <T> T restore(String uuid, CheckpointReader<T> reader, Verification verification) {
        try {
            return storage.restore(uuid, reader, verification);
        } catch (IOException e) {
            throw new UncheckedIOException("restoring checkpoint " + uuid + " failed: " + e.getMessage(), e);
        }
    }

    /** The complete checkpoints in this trial's storage (of any trial that shares it). */
    public List<StoredCheckpoint> list() {
        try {
            return storage.list();
        } catch (IOException e) {
            throw new UncheckedIOException("listing checkpoints in " + storage.config() + " failed", e);
        }
    }

    /** Deletes checkpoints: first from the trial's record, then their files. */
    public void delete(List<String> uuids) {
        uuids.forEach(CheckpointUuid::require);
        for (String uuid : uuids) {
            // deleted first and reported after, the master would point at files that are gone
            if (queue.holdsCheckpoint(uuid)) {
                throw new DeterminedException("checkpoint " + uuid + " cannot be deleted yet: its report has not"
                        + " reached the master yet");
            }
        }
        backend.deleteCheckpoints(uuids);
        for (String uuid : uuids) {
            try {
                storage.delete(uuid);
            } catch (IOException e) {
                throw new UncheckedIOException("deleting checkpoint " + uuid + " failed", e);
            }
        }
    }

    public CheckpointStorage storage() {
        return storage;
    }
}
