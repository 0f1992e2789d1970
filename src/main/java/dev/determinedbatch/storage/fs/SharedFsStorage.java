package dev.determinedbatch.storage.fs;

import dev.determinedbatch.storage.CheckpointReader;
import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.CheckpointWriter;
import dev.determinedbatch.storage.StorageSpec;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.Verification;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Determined's {@code shared_fs} storage: a {@link DirectoryStorage} at
 * {@code host_path[/storage_path]} that reports itself with the shared_fs mapping, so the master
 * (and its garbage collection) finds the checkpoints where they are.
 */
public final class SharedFsStorage implements CheckpointStorage {

    private final StorageSpec.SharedFs spec;
    private final DirectoryStorage files;

    public SharedFsStorage(StorageSpec.SharedFs spec) throws IOException {
        this(spec, DirectoryStorage.Options.defaults());
    }

    public SharedFsStorage(StorageSpec.SharedFs spec, DirectoryStorage.Options options) throws IOException {
        this.spec = spec;
        this.files = new DirectoryStorage(spec.checkpointRoot(), options);
    }

    /** The directory that holds one sub-directory per checkpoint: host_path[/storage_path]. */
    public Path base() {
        return files.base();
    }

    @Override
    public Map<String, Object> config() {
        return spec.config();
    }

    @Override
    public StoredCheckpoint store(Map<String, Object> metadata, CheckpointWriter writer) throws IOException {
        return files.store(metadata, writer);
    }

    @Override
    public <T> T restore(String uuid, CheckpointReader<T> reader, Verification verification) throws IOException {
        return files.restore(uuid, reader, verification);
    }

    @Override
    public Optional<StoredCheckpoint> find(String uuid) throws IOException {
        return files.find(uuid);
    }

    @Override
    public List<StoredCheckpoint> list() throws IOException {
        return files.list();
    }

    @Override
    public void delete(String uuid) throws IOException {
        files.delete(uuid);
    }

    @Override
    public int cleanUp() throws IOException {
        return files.cleanUp();
    }
}
