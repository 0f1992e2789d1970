package dev.determinedbatch.storage.fs;

import dev.determinedbatch.files.Durable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * How a store makes what it wrote durable: once per file after its last byte, once per
 * directory after its last entry. A store calls it in that order, files before their directory,
 * the checkpoint's directory before the rename that publishes it, the base directory after it;
 * {@link #FORCE} is fsync, tests record the order.
 */
public interface FileSync {

    /** {@code fsync} of the file, then of each directory. */
    FileSync FORCE = new FileSync() {
        @Override
        public void file(Path file, FileChannel channel) throws IOException {
            channel.force(true);
        }

        @Override
        public void directory(Path directory) throws IOException {
            Durable.forceDirectory(directory);
        }
    };

    /** Makes the bytes of {@code file}, written through {@code channel}, and its size durable. */
    void file(Path file, FileChannel channel) throws IOException;

    /** Makes the entries of {@code directory} (files created, renamed in) durable. */
    void directory(Path directory) throws IOException;
}
