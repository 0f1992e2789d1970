package dev.determinedbatch.storage;

import java.util.Set;

/**
 * A reader that reads some files only through {@link CheckpointDirectory#open}, front to back,
 * and has no effect but its result: those files are then checked against the manifest as they are
 * read, once, instead of being read once to check and once more to load. The read that ends a
 * damaged file fails, so the reader never returns with damaged bytes; if it fails anyway (a
 * damaged header it cannot parse), the storage checks those files and reports the damage. Every
 * other file is checked before the reader runs, as for any reader; every size, too.
 */
public interface StreamingCheckpointReader<T> extends CheckpointReader<T> {

    /** The files, by relative path, this reader reads only through {@link CheckpointDirectory#open}. */
    Set<String> streamedFiles();

    /** {@code reader}, reading {@code streamed} through {@link CheckpointDirectory#open}. */
    static <T> StreamingCheckpointReader<T> of(Set<String> streamed, CheckpointReader<T> reader) {
        Set<String> files = Set.copyOf(streamed);
        return new StreamingCheckpointReader<>() {
            @Override
            public Set<String> streamedFiles() {
                return files;
            }

            @Override
            public T read(CheckpointDirectory checkpoint) throws java.io.IOException {
                return reader.read(checkpoint);
            }
        };
    }
}
