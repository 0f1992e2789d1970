package dev.determinedbatch.storage.fs;

import dev.determinedbatch.files.FileTrees;
import dev.determinedbatch.storage.CheckpointUuid;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The hidden directory {@code <base>/.staging} where checkpoints are written before they are
 * renamed into place, and where deleted ones are moved before their files go. Each entry is named
 * {@code <uuid>.<hostname>.<pid>} after the process that owns it, so that a later session can
 * tell a leftover of a dead writer from the work of a live one. It lies inside the base so that
 * the rename is atomic (same file system); Determined never looks at names that are no uuid.
 */
final class StagingArea {

    static final String DIRECTORY_NAME = ".staging";

    private final Path area;
    private final String hostname;
    private final long pid;
    private final Clock clock;
    private final Duration staleAfter;

    StagingArea(Path base, String hostname, long pid, Clock clock, Duration staleAfter) {
        this.area = base.resolve(DIRECTORY_NAME);
        this.hostname = safeName(hostname);
        this.pid = pid;
        this.clock = clock;
        this.staleAfter = staleAfter;
    }

    /** A new, empty staging directory for a checkpoint this process writes. */
    Path create(String uuid) throws IOException {
        Files.createDirectories(area);
        return Files.createDirectory(entry(uuid));
    }

    /** Where this process puts a checkpoint of that uuid while it writes or deletes it. */
    Path entry(String uuid) {
        return area.resolve(uuid + "." + hostname + "." + pid);
    }

    Path directory() {
        return area;
    }

    /**
     * Whether a store or delete of that uuid has an entry here, i.e. may still be under way
     * (or died and is not yet cleaned up).
     */
    boolean hasEntry(String uuid) throws IOException {
        if (!Files.isDirectory(area, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(area, uuid + ".*")) {
            return entries.iterator().hasNext();
        } catch (NoSuchFileException removedMeanwhile) {
            return false;
        }
    }

    /**
     * Removes entries whose owner is gone: on this host a process that no longer runs; on another
     * host (or for a name not ours) whatever is older than the age limit, since its process
     * cannot be asked. An entry of a live process on this host is never removed, however old.
     *
     * @param removedUuids receives the uuid of every entry removed whose name is ours
     * @return how many entries were removed
     */
    int cleanUp(Set<String> removedUuids) throws IOException {
        if (!Files.isDirectory(area, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(area)) {
            for (Path entry : entries) {
                Owner owner = Owner.of(entry.getFileName().toString());
                if (isAbandoned(entry, owner) && FileTrees.delete(entry)) {
                    removed++;
                    if (owner != null) {
                        removedUuids.add(owner.uuid);
                    }
                }
            }
        }
        return removed;
    }

    private boolean isAbandoned(Path entry, Owner owner) throws IOException {
        if (owner != null && owner.hostname.equals(hostname)) {
            return !isAlive(owner.pid);
        }
        return isStale(entry);
    }

    /** Whether {@code entry} was last modified longer than the age limit ago; one gone meanwhile is not. */
    boolean isStale(Path entry) throws IOException {
        Instant modified;
        try {
            modified = Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant();
        } catch (NoSuchFileException finishedMeanwhile) {
            return false;
        }
        return Duration.between(modified, clock.instant()).compareTo(staleAfter) > 0;
    }

    /**
     * A pid that a new process has taken since makes a leftover look alive: it stays until that
     * process ends. Keeping a leftover too long is harmless; removing live work is not.
     */
    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Who wrote a staging entry, read back from its name. */
    private record Owner(String uuid, String hostname, long pid) {

        static Owner of(String name) {
            int lastDot = name.lastIndexOf('.');
            if (name.length() < CheckpointUuid.LENGTH + 3 || name.charAt(CheckpointUuid.LENGTH) != '.'
                    || lastDot <= CheckpointUuid.LENGTH + 1
                    || !CheckpointUuid.isValid(name.substring(0, CheckpointUuid.LENGTH))) {
                return null;
            }
            try {
                long pid = Long.parseLong(name.substring(lastDot + 1));
                return new Owner(name.substring(0, CheckpointUuid.LENGTH), name.substring(CheckpointUuid.LENGTH + 1, lastDot), pid);
            } catch (NumberFormatException notOurs) {
                return null;
            }
        }
    }

    /** The kernel's host name where it can be read without a DNS look-up, else Java's. */
    static String localHostname() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return safeName(name);
            }
        } catch (IOException | RuntimeException noProc) {
            // not Linux: ask Java
        }
        try {
            return safeName(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** A host name as a part of a file name: no separators. */
    private static String safeName(String hostname) {
        String safe = hostname.replaceAll("[^A-Za-z0-9.-]", "_");
        return safe.isEmpty() ? "localhost" : safe;
    }
}
