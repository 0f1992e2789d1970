package dev.determinedbatch.storage;

import java.nio.file.Path;

/**
 * A complete checkpoint opened for reading: its description and its files on a local file system
 * (for object stores, a downloaded copy).
 */
public final class CheckpointDirectory {

    private final StoredCheckpoint checkpoint;
    private final Path root;

    public CheckpointDirectory(StoredCheckpoint checkpoint, Path root) {
        this.checkpoint = checkpoint;
        this.root = root.toAbsolutePath().normalize();
    }

    public StoredCheckpoint checkpoint() {
        return checkpoint;
    }

    public Path root() {
        return root;
    }

    /**
     * A file of this checkpoint by its relative path, as in {@code resources}.
     *
     * @throws IllegalArgumentException when the path leaves the checkpoint directory
     */
    public Path resolve(String relativePath) {
        Path resolved = root.resolve(relativePath).normalize();
        if (Path.of(relativePath).isAbsolute() || !resolved.startsWith(root) || resolved.equals(root)) {
            throw new IllegalArgumentException("resource path '" + relativePath
                    + "' escapes checkpoint " + checkpoint.uuid() + " (" + root + ")");
        }
        return resolved;
    }
}
