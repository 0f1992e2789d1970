package dev.determinedbatch.storage.fs;

import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.StorageSpec;

import java.io.IOException;

/** Opens the storage a {@link StorageSpec} describes, on this machine's file systems. */
public final class FileSystemStorages {

    private FileSystemStorages() {
    }

    /**
     * Parses what a user configured and opens it, e.g. {@code open("/data/checkpoints")}.
     *
     * @throws IllegalArgumentException when the configuration is wrong (see {@link StorageSpec#parse})
     * @throws IOException              when the checkpoint directory cannot be created or written
     */
    public static CheckpointStorage open(Object configured) throws IOException {
        return open(configured, DirectoryStorage.Options.defaults());
    }

    /** {@link #open(Object)} with options other than the defaults. */
    public static CheckpointStorage open(Object configured, DirectoryStorage.Options options) throws IOException {
        return open(StorageSpec.parse(configured), options);
    }

    public static CheckpointStorage open(StorageSpec spec, DirectoryStorage.Options options) throws IOException {
        if (spec instanceof StorageSpec.SharedFs sharedFs) {
            return new SharedFsStorage(sharedFs, options);
        }
        return new DirectoryStorage((StorageSpec.Directory) spec, options);
    }
}
