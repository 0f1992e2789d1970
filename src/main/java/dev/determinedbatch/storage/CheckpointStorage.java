package dev.determinedbatch.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
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
     * Stores one checkpoint: a new uuid, the caller's files and {@code metadata.json}, nothing
     * else, so that it is what Determined's client would make of the same files; beside it, where
     * Determined never looks, a checksum manifest of the caller's files (see
     * {@link CheckpointManifest}). The checkpoint appears under its uuid only once all of it, and
     * its manifest, are durable.
     *
     * @param metadata must hold a non-negative integer {@code steps_completed}; checked before
     *                 anything is written
     * @param files    writes the checkpoint's files into the directory it is given
     */
    StoredCheckpoint store(Map<String, Object> metadata, CheckpointWriter files) throws IOException;

    /**
     * Stores one checkpoint of the files given by name (relative paths, {@code '/'} between
     * directories), with the same guarantees as {@link #store(Map, CheckpointWriter)}. A storage
     * may write them in parallel and checksum them as they are written; by default they are
     * written one after the other into the staging directory.
     *
     * @throws IllegalArgumentException when a name is not a relative path inside the checkpoint,
     *                                  or is {@code metadata.json}; checked before anything is written
     */
    default StoredCheckpoint store(Map<String, Object> metadata, Map<String, CheckpointFile> files) throws IOException {
        CheckpointFile.requireNames(files.keySet());
        Map<String, CheckpointFile> copy = new LinkedHashMap<>(files);
        return store(metadata, dir -> {
            for (Map.Entry<String, CheckpointFile> file : copy.entrySet()) {
                Path path = dir.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                try (FileChannel out = FileChannel.open(path,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    file.getValue().writeTo(out);
                }
            }
        });
    }

    /**
     * Reads a complete checkpoint, after checking its files against its checksum manifest when it
     * has one: {@link #restore(String, CheckpointReader, Verification)} with
     * {@link Verification#IF_PRESENT}, for checkpoints that any client may have written.
     */
    default <T> T restore(String uuid, CheckpointReader<T> reader) throws IOException {
        return restore(uuid, reader, Verification.IF_PRESENT);
    }

    /**
     * Reads a complete checkpoint, after checking its files against its checksum manifest (see
     * {@link CheckpointVerifier}).
     *
     * @param verification {@link Verification#REQUIRED} for a checkpoint the caller knows was
     *                     written with a manifest, so that a deleted manifest is not mistaken for
     *                     a checkpoint of another client
     * @throws CheckpointNotFoundException when no complete checkpoint has that uuid
     * @throws CorruptCheckpointException  when a file differs from what was stored, or the
     *                                     manifest is malformed or (when required) missing; the
     *                                     reader is not called
     */
    <T> T restore(String uuid, CheckpointReader<T> reader, Verification verification) throws IOException;

    /** The complete checkpoint with that uuid, if there is one. */
    Optional<StoredCheckpoint> find(String uuid) throws IOException;

    /** Every complete checkpoint; staging areas, checksum manifests and foreign entries are skipped. */
    List<StoredCheckpoint> list() throws IOException;

    /** Deletes a checkpoint, then its checksum manifest; a uuid that is not there is not an error. */
    void delete(String uuid) throws IOException;

    /**
     * Removes what writes and deletes that died left behind: staging directories of processes
     * that no longer run, and checksum manifests whose checkpoint does not exist.
     *
     * @return how many leftovers were removed
     */
    int cleanUp() throws IOException;
}
