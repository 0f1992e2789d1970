package dev.determinedbatch.storage;

import java.io.IOException;
import java.nio.file.Path;

/** Writes a checkpoint's files into the (staging) directory it is given. */
@FunctionalInterface
public interface CheckpointWriter {

    void write(Path directory) throws IOException;
}
