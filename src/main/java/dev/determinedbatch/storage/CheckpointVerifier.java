package dev.determinedbatch.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Checks a checkpoint's files against its {@code checksums.json} before a reader sees them.
 * Checkpoints without one (Determined's own client writes none) are read unverified, as before.
 */
public final class CheckpointVerifier {

    private static final Logger LOG = Logger.getLogger(CheckpointVerifier.class.getName());

    private CheckpointVerifier() {
    }

    /**
     * Every file in the manifest exists with its recorded size and CRC32C. Sizes are checked
     * first, for all files, so a truncated or missing file is found without reading any bytes;
     * then each file is read once. Files not in the manifest are not checked.
     *
     * @return whether there was a manifest to check against
     * @throws CorruptCheckpointException naming the first file (in path order) that is missing,
     *                                    has another size or another CRC32C, or naming
     *                                    {@code checksums.json} when it is malformed
     */
    public static boolean verify(CheckpointDirectory checkpoint) throws IOException {
        String uuid = checkpoint.checkpoint().uuid();
        Path manifestFile = checkpoint.root().resolve(CheckpointManifest.FILE_NAME);
        if (!Files.exists(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
            LOG.log(Level.FINE, "checkpoint {0} has no {1} (written by Determined''s client, or before"
                    + " checksums were written): read unverified", new Object[] {uuid, CheckpointManifest.FILE_NAME});
            return false;
        }
        if (!Files.isRegularFile(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new CorruptCheckpointException(uuid, CheckpointManifest.FILE_NAME, "not a regular file");
        }
        CheckpointManifest manifest = CheckpointManifest.parse(uuid, Files.readAllBytes(manifestFile));
        for (Map.Entry<String, FileChecksum> entry : manifest.files().entrySet()) {
            checkSize(uuid, entry.getKey(), resolve(checkpoint, entry.getKey()), entry.getValue().size());
        }
        for (Map.Entry<String, FileChecksum> entry : manifest.files().entrySet()) {
            checkCrc(uuid, entry.getKey(), resolve(checkpoint, entry.getKey()), entry.getValue());
        }
        return true;
    }

    private static Path resolve(CheckpointDirectory checkpoint, String relativePath) throws CorruptCheckpointException {
        try {
            return checkpoint.resolve(relativePath);
        } catch (IllegalArgumentException escapes) {
            throw new CorruptCheckpointException(checkpoint.checkpoint().uuid(), CheckpointManifest.FILE_NAME,
                    "malformed: it lists '" + relativePath + "', a path outside the checkpoint");
        }
    }

    private static void checkSize(String uuid, String name, Path file, long expected) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new CorruptCheckpointException(uuid, name, "missing");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new CorruptCheckpointException(uuid, name, "not a regular file");
        }
        long size = Files.size(file);
        if (size != expected) {
            throw new CorruptCheckpointException(uuid, name, "size " + size + ", expected " + expected);
        }
    }

    private static void checkCrc(String uuid, String name, Path file, FileChecksum expected) throws IOException {
        FileChecksum actual;
        try {
            actual = FileChecksum.of(file);
        } catch (NoSuchFileException deletedMeanwhile) {
            throw new CorruptCheckpointException(uuid, name, "missing");
        }
        if (actual.size() != expected.size()) {
            throw new CorruptCheckpointException(uuid, name, "size " + actual.size() + ", expected " + expected.size());
        }
        if (actual.crc32c() != expected.crc32c()) {
            throw new CorruptCheckpointException(uuid, name, CheckpointManifest.ALGORITHM + " mismatch: "
                    + actual.crc32cHex() + ", expected " + expected.crc32cHex());
        }
    }
}
