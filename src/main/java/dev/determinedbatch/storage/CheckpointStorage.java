package dev.determinedbatch.storage;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where checkpoints live: the Java counterpart of Determined's {@code StorageManager}. A checkpoint
 * is a directory of files named by a client-made uuid, with a {@code metadata.json} that holds at
 * least {@code steps_completed}. Implementations make a checkpoint visible under its uuid only
 * when it is complete.
 */
public interface CheckpointStorage {

    /**
     * The storage as Determined configures it: the mapping written under
     * {@code checkpoint_storage} in the experiment config and sent with {@code runs/start},
     * e.g. {@code {"type": "directory", "container_path": "/data/checkpoints"}}.
     */
    Map<String, Object> config();

    /**
     * Stores one checkpoint: a new uuid, the caller's files, {@code checksums.json}, then
     * {@code metadata.json}; the checkpoint appears under its uuid only once all of it is durable.
     *
     * @param metadata must hold a non-negative integer {@code steps_completed}; checked before
     *                 anything is written
     * @param files    writes the checkpoint's files into the directory it is given
     */
    StoredCheckpoint store(Map<String, Object> metadata, CheckpointWriter files) throws IOException;

    /**
     * Reads a complete checkpoint, after checking its files against its {@code checksums.json}
     * when it has one (see {@link CheckpointVerifier}).
     *
     * @throws CheckpointNotFoundException when no complete checkpoint has that uuid
     * @throws CorruptCheckpointException  when a file differs from what was stored; the reader is
     *                                     not called
     */
    <T> T restore(String uuid, CheckpointReader<T> reader) throws IOException;

    /** The complete checkpoint with that uuid, if there is one. */
    Optional<StoredCheckpoint> find(String uuid) throws IOException;

    /** Every complete checkpoint; staging areas and foreign entries are skipped. */
    List<StoredCheckpoint> list() throws IOException;

    /** Deletes a checkpoint; a uuid that is not there is not an error. */
    void delete(String uuid) throws IOException;

    /**
     * Removes what writes that died left behind (staging directories of processes that no longer
     * run).
     *
     * @return how many leftovers were removed
     */
    int cleanUp() throws IOException;
}
