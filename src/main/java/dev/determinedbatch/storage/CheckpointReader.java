package dev.determinedbatch.storage;

import java.io.IOException;

/** Reads what it needs from a complete checkpoint. */
@FunctionalInterface
public interface CheckpointReader<T> {

    T read(CheckpointDirectory checkpoint) throws IOException;
}
