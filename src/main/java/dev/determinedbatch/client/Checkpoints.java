package dev.determinedbatch.client;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.TrialBackend;
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
 * durable checkpoint and only then reports it, so the master never points at a partial one.
 */
public final class Checkpoints {

    private static final Logger LOG = Logger.getLogger(Checkpoints.class.getName());

    private final CheckpointStorage storage;
    private final TrialBackend backend;
    private final Clock clock;

    Checkpoints(CheckpointStorage storage, TrialBackend backend, Clock clock) {
        this.storage = storage;
        this.backend = backend;
        this.clock = clock;
    }

    /**
     * {@code store_path}: the files {@code files} writes, plus {@code metadata.json}, become one
     * checkpoint, which is then reported.
     *
     * @param metadata must hold {@code steps_completed}
     * @throws DeterminedException when the checkpoint was stored but could not be reported; the
     *                             message names its uuid
     */
    public StoredCheckpoint store(Map<String, Object> metadata, CheckpointWriter files) {
        Map<String, Object> tagged = new LinkedHashMap<>(metadata);
        tagged.putAll(backend.checkpointTags());
        StoredCheckpoint stored;
        try {
            stored = storage.store(tagged, files);
        } catch (IOException e) {
            throw new UncheckedIOException("storing a checkpoint in " + storage.config() + " failed: "
                    + e.getMessage(), e);
        }
        try {
            backend.reportCheckpoint(stored, clock.instant());
        } catch (RuntimeException e) {
            throw new DeterminedException("checkpoint " + stored.uuid() + " (steps_completed "
                    + stored.stepsCompleted() + ") is stored but reporting it failed: " + e.getMessage(), e);
        }
        LOG.log(Level.FINE, "checkpoint {0} stored and reported", stored.uuid());
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
