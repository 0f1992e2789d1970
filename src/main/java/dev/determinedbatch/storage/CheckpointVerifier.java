package dev.determinedbatch.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Checks a checkpoint's files against its checksum manifest (see {@link CheckpointManifest})
 * before a reader sees them. Checkpoints without one (Determined's own client writes none) are
 * read unverified, as before, unless the caller requires verification.
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
     * @param manifestFile where the checkpoint's manifest is kept, outside its directory
     * @param manifestName names the manifest in errors and logs, e.g. {@code .checksums/<uuid>.json}
     * @param verification whether a checkpoint without a manifest may be read unverified
     * @return whether there was a manifest to check against
     * @throws CorruptCheckpointException naming the first file (in path order) that is missing,
     *                                    has another size or another CRC32C, or naming the
     *                                    manifest when it is malformed, or missing while
     *                                    verification is {@linkplain Verification#REQUIRED required}
     */
    public static boolean verify(CheckpointDirectory checkpoint, Path manifestFile, String manifestName,
                                 Verification verification) throws IOException {
        return verify(checkpoint, manifestFile, manifestName, verification, Runnable::run);
    }

    /**
     * {@link #verify(CheckpointDirectory, Path, String, Verification)}, reading the files for
     * their CRC32C on {@code parallel}, several at once; the failure reported is still the first
     * in path order.
     */
    public static boolean verify(CheckpointDirectory checkpoint, Path manifestFile, String manifestName,
                                 Verification verification, Executor parallel) throws IOException {
        String uuid = checkpoint.checkpoint().uuid();
        byte[] json;
        try {
            if (Files.exists(manifestFile, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isRegularFile(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
                throw new CorruptCheckpointException(uuid, manifestName, "not a regular file");
            }
            json = Files.readAllBytes(manifestFile);
        } catch (NoSuchFileException noManifest) {
            if (verification == Verification.REQUIRED) {
                throw new CorruptCheckpointException(uuid, manifestName, "checksum manifest missing;"
                        + " this checkpoint must be verified, and cannot be without it");
            }
            LOG.log(Level.FINE, "checkpoint {0} has no checksum manifest {1} (written by Determined''s client,"
                    + " or before checksums were written): read unverified", new Object[] {uuid, manifestName});
            return false;
        }
        CheckpointManifest manifest = CheckpointManifest.parse(uuid, manifestName, json);
        for (Map.Entry<String, FileChecksum> entry : manifest.files().entrySet()) {
            checkSize(uuid, entry.getKey(), resolve(checkpoint, manifestName, entry.getKey()), entry.getValue().size());
        }
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (Map.Entry<String, FileChecksum> entry : manifest.files().entrySet()) {
            Path file = resolve(checkpoint, manifestName, entry.getKey());
            checks.add(CompletableFuture.runAsync(() -> {
                try {
                    checkCrc(uuid, entry.getKey(), file, entry.getValue());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, parallel));
        }
        IOException first = null;
        for (CompletableFuture<Void> check : checks) { // every check ends before the reader may run
            try {
                check.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause() instanceof UncheckedIOException unchecked ? unchecked.getCause() : e.getCause();
                if (first == null) {
                    first = cause instanceof IOException io ? io : new IOException(cause);
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return true;
    }

    private static Path resolve(CheckpointDirectory checkpoint, String manifestName, String relativePath)
            throws CorruptCheckpointException {
        try {
            return checkpoint.resolve(relativePath);
        } catch (IllegalArgumentException escapes) {
            throw new CorruptCheckpointException(checkpoint.checkpoint().uuid(), manifestName,
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
