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
import java.util.Set;
import java.util.TreeMap;
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
        return verifyBefore(checkpoint, manifestFile, manifestName, verification, parallel, Set.of()) != null;
    }

    /**
     * Verifies the checkpoint and runs the reader, as a storage's {@code restore} does: every file
     * is verified before the reader runs, but the files a {@link StreamingCheckpointReader} reads
     * through {@link CheckpointDirectory#open}, whose sizes are checked before and whose CRC32C is
     * checked as they are read, once. Those it did not read to their end are checked after it; if
     * it fails, they are checked and damage is reported before its failure.
     */
    public static <T> T read(CheckpointDirectory checkpoint, Path manifestFile, String manifestName,
                             Verification verification, Executor parallel, CheckpointReader<T> reader) throws IOException {
        Set<String> streamed = reader instanceof StreamingCheckpointReader<T> streaming ? streaming.streamedFiles() : Set.of();
        CheckpointManifest manifest = verifyBefore(checkpoint, manifestFile, manifestName, verification, parallel, streamed);
        if (manifest == null || streamed.isEmpty()) {
            return reader.read(checkpoint);
        }
        Map<String, FileChecksum> onRead = new TreeMap<>(manifest.files());
        onRead.keySet().retainAll(streamed);
        CheckpointDirectory verifying = checkpoint.verifyingOnRead(onRead);
        T result;
        try {
            result = reader.read(verifying);
        } catch (IOException | RuntimeException failure) {
            try {
                checkCrcs(verifying, manifestName, onRead, parallel);
            } catch (CorruptCheckpointException corrupt) {
                corrupt.addSuppressed(failure);
                throw corrupt;
            }
            throw failure;
        }
        onRead.keySet().removeAll(verifying.verifiedOnRead());
        checkCrcs(verifying, manifestName, onRead, parallel);
        return result;
    }

    /**
     * Reads the manifest, checks every size, and the CRC32C of every file but {@code deferred}.
     *
     * @return the manifest, or null when there is none and verification is not required
     */
    private static CheckpointManifest verifyBefore(CheckpointDirectory checkpoint, Path manifestFile, String manifestName,
                                                   Verification verification, Executor parallel, Set<String> deferred)
            throws IOException {
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
            return null;
        }
        CheckpointManifest manifest = CheckpointManifest.parse(uuid, manifestName, json);
        for (Map.Entry<String, FileChecksum> entry : manifest.files().entrySet()) {
            checkSize(uuid, entry.getKey(), resolve(checkpoint, manifestName, entry.getKey()), entry.getValue().size());
        }
        Map<String, FileChecksum> now = new TreeMap<>(manifest.files());
        now.keySet().removeAll(deferred);
        checkCrcs(checkpoint, manifestName, now, parallel);
        return manifest;
    }

    /** The CRC32C of each file, several at once; the first failure in path order is thrown. */
    private static void checkCrcs(CheckpointDirectory checkpoint, String manifestName, Map<String, FileChecksum> files,
                                  Executor parallel) throws IOException {
        String uuid = checkpoint.checkpoint().uuid();
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (Map.Entry<String, FileChecksum> entry : files.entrySet()) {
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
