package dev.determinedbatch.storage.fs;

import dev.determinedbatch.storage.CheckpointManifest;
import dev.determinedbatch.storage.CheckpointUuid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The hidden directory {@code <base>/.checksums} that holds each checkpoint's checksum manifest
 * as {@code <uuid>.json} (see {@link CheckpointManifest}). It lies beside the checkpoints, not in
 * them, so a checkpoint directory and its {@code resources} are exactly what Determined's client
 * makes; Determined never looks at names that are no uuid.
 *
 * <p>A manifest is written and made durable before the rename that publishes its checkpoint, so
 * a published checkpoint of ours always has one; it is removed after its checkpoint. A crash in
 * between leaves a manifest without a checkpoint, which {@link #cleanUp} removes.
 */
final class ChecksumSidecars {

    static final String DIRECTORY_NAME = ".checksums";
    private static final String SUFFIX = ".json";

    private final Path base;
    private final Path directory;
    private final StagingArea staging;
    private final FileSync sync;

    /** Manifests in {@code base}; {@code staging} tells live writers and, with its age limit, stale leftovers. */
    ChecksumSidecars(Path base, StagingArea staging, FileSync sync) {
        this.base = base;
        this.directory = base.resolve(DIRECTORY_NAME);
        this.staging = staging;
        this.sync = sync;
    }

    /** Where the manifest of that checkpoint is kept. */
    Path file(String uuid) {
        return directory.resolve(uuid + SUFFIX);
    }

    /** The manifest's name relative to the base, for messages: {@code .checksums/<uuid>.json}. */
    static String name(String uuid) {
        return DIRECTORY_NAME + "/" + uuid + SUFFIX;
    }

    /**
     * Writes a manifest and forces it, the {@code .checksums} directory and, when it has just
     * got {@code .checksums}, the base to disk: once this returns, a crash cannot lose it.
     * A manifest left by a crashed store of the same uuid is replaced; its checkpoint does not
     * exist (the caller checked), so it belongs to no one.
     */
    void write(String uuid, CheckpointManifest manifest) throws IOException {
        boolean newDirectory = !Files.isDirectory(directory);
        Files.createDirectories(directory);
        byte[] bytes = manifest.render();
        try (FileChannel channel = FileChannel.open(file(uuid), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            sync.file(file(uuid), channel);
        }
        sync.directory(directory);
        if (newDirectory) {
            sync.directory(base);
        }
    }

    /** Removes a manifest; one that is not there is fine. */
    void delete(String uuid) throws IOException {
        Files.deleteIfExists(file(uuid));
    }

    /** Removes a manifest after a failure; a second failure is added to the first. */
    void deleteAfter(Throwable failure, String uuid) {
        try {
            delete(uuid);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Removes the manifests no checkpoint will ever have: where {@code <base>/<uuid>} does not
     * exist and either its writer (or deleter) is known gone, because the staging cleanup that
     * ran just before removed its staging entry, or no staging entry of that uuid exists and the
     * manifest is older than the age limit. A store or delete in progress always has its staging
     * entry until its checkpoint is in place or gone, so a live writer's manifest is never taken;
     * the age limit covers what has no owner left to ask (a store or delete that died after its
     * staging entry went) and shared file systems whose listings lag behind another host's rename.
     * Checked in that order (staging entry, then checkpoint), so a rename in between is seen.
     * Names that are no {@code <uuid>.json} are not ours and stay.
     *
     * @param ownersGone uuids whose staging entries the staging cleanup just removed
     * @return how many manifests were removed
     */
    int cleanUp(Set<String> ownersGone) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String uuid = uuidOf(entry.getFileName().toString());
                if (uuid != null && isOrphan(uuid, entry, ownersGone) && Files.deleteIfExists(entry)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private boolean isOrphan(String uuid, Path entry, Set<String> ownersGone) throws IOException {
        if (staging.hasEntry(uuid) || Files.exists(base.resolve(uuid), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        return ownersGone.contains(uuid) || staging.isStale(entry);
    }

    private static String uuidOf(String name) {
        if (!name.endsWith(SUFFIX)) {
            return null;
        }
        String uuid = name.substring(0, name.length() - SUFFIX.length());
        return CheckpointUuid.isValid(uuid) ? uuid : null;
    }
}
