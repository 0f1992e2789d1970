package dev.determinedbatch.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A complete checkpoint opened for reading: its description and its files on a local file system
 * (for object stores, a downloaded copy).
 */
public final class CheckpointDirectory {

    private final StoredCheckpoint checkpoint;
    private final Path root;
    private final Map<String, FileChecksum> verifiedOnRead;
    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    public CheckpointDirectory(StoredCheckpoint checkpoint, Path root) {
        this(checkpoint, root, Map.of());
    }

    private CheckpointDirectory(StoredCheckpoint checkpoint, Path root, Map<String, FileChecksum> verifiedOnRead) {
        this.checkpoint = checkpoint;
        this.root = root.toAbsolutePath().normalize();
        this.verifiedOnRead = Map.copyOf(verifiedOnRead);
    }

    /**
     * The same directory, whose {@link #open} checks these files against their checksums as
     * they are read (see {@link StreamingCheckpointReader}).
     */
    public CheckpointDirectory verifyingOnRead(Map<String, FileChecksum> files) {
        return new CheckpointDirectory(checkpoint, root, files);
    }

    /**
     * Opens a file of this checkpoint for reading, front to back; one that is to be verified on
     * read fails the read that ends it when its bytes differ from the manifest.
     *
     * @throws IllegalArgumentException when the path leaves the checkpoint directory
     */
    public SeekableByteChannel open(String relativePath) throws IOException {
        FileChannel file = FileChannel.open(resolve(relativePath), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        FileChecksum expected = verifiedOnRead.get(relativePath);
        if (expected == null) {
            return file;
        }
        return new VerifyingChannel(file, checkpoint.uuid(), relativePath, expected, () -> verified.add(relativePath));
    }

    /** The files {@link #open} has read to their end and found as the manifest says. */
    public Set<String> verifiedOnRead() {
        return Set.copyOf(verified);
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
