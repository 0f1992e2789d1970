package dev.determinedbatch.storage.fs;

import dev.determinedbatch.files.FileTrees;
import dev.determinedbatch.storage.CheckpointManifest;
import dev.determinedbatch.storage.CheckpointMetadata;
import dev.determinedbatch.storage.FileChecksum;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What storage does to a checkpoint's directory tree as a whole: list, seal (checksum, make durable), delete. */
final class CheckpointTree {

    private CheckpointTree() {
    }

    /**
     * The resources of a checkpoint as Determined's client lists them ({@code os.walk}): every file
     * as {@code "rel/path"} to its size, every sub-directory as {@code "rel/dir/"} to 0, the root
     * not. Symbolic links count as what they point to and are not descended, as with
     * {@code os.walk}, so checkpoints written by other clients read as they report them.
     */
    static Map<String, Long> describe(Path root) throws IOException {
        Map<String, Long> resources = new LinkedHashMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) {
                    resources.put(FileTrees.relativeName(root, dir) + "/", 0L);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isSymbolicLink()) {
                    resources.put(FileTrees.relativeName(root, file), attrs.size());
                } else if (Files.isDirectory(file)) {
                    resources.put(FileTrees.relativeName(root, file) + "/", 0L);
                } else {
                    // a dangling link has no size; reading must not fail over a foreign oddity
                    resources.put(FileTrees.relativeName(root, file), Files.exists(file) ? Files.size(file) : 0L);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return resources;
    }

    /**
     * A sealed checkpoint.
     *
     * @param resources as {@link #describe}: the writer's files and {@code metadata.json}
     * @param manifest  size and CRC32C of the writer's files, to be kept beside the checkpoint
     */
    record Sealed(Map<String, Long> resources, CheckpointManifest manifest) {
    }

    /**
     * Completes a staged checkpoint and makes it durable. Every file the writer left is read once,
     * for its size and CRC32C, and forced to disk; then {@code metadata.json} is written and
     * forced, then every directory, so that after the rename that publishes it no crash can leave
     * a visible checkpoint with missing bytes. Nothing but {@code metadata.json} is added to the
     * writer's files: the checkpoint stays what Determined's client makes of them.
     *
     * @param metadataJson the rendered {@code metadata.json}
     * @throws IllegalArgumentException when the writer wrote {@code metadata.json} itself, or the
     *                                  tree holds a symbolic link or a special file: a resource
     *                                  must be bytes inside the checkpoint, and an object store
     *                                  upload would follow the link outside it
     */
    static Sealed seal(Path root, byte[] metadataJson, FileSync sync) throws IOException {
        refuseMetadataFile(root);
        Map<String, Long> resources = new LinkedHashMap<>();
        Map<String, FileChecksum> checksums = new LinkedHashMap<>();
        List<Path> directories = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) {
                    resources.put(FileTrees.relativeName(root, dir) + "/", 0L);
                }
                directories.add(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isRegularFile()) {
                    throw new IllegalArgumentException("checkpoint file '" + FileTrees.relativeName(root, file) + "' in " + root
                            + " is " + (attrs.isSymbolicLink() ? "a symbolic link" : "not a regular file")
                            + "; a checkpoint may hold only regular files and directories");
                }
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    FileChecksum checksum = FileChecksum.of(channel);
                    sync.file(file, channel);
                    resources.put(FileTrees.relativeName(root, file), checksum.size());
                    checksums.put(FileTrees.relativeName(root, file), checksum);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        resources.put(CheckpointMetadata.FILE_NAME, writeDurably(root.resolve(CheckpointMetadata.FILE_NAME), metadataJson,
                sync));
        // a directory is durable once its entries are: children first
        for (int i = directories.size() - 1; i >= 0; i--) {
            sync.directory(directories.get(i));
        }
        return new Sealed(resources, new CheckpointManifest(checksums));
    }

    /**
     * Writes and syncs {@code metadata.json} into a staged checkpoint. Beside the files' own
     * writes: nothing is published before every file and directory is synced, so their order
     * within the staging directory does not matter after a crash.
     */
    static void writeMetadata(Path root, byte[] metadataJson, FileSync sync) throws IOException {
        writeDurably(root.resolve(CheckpointMetadata.FILE_NAME), metadataJson, sync);
    }

    /**
     * Completes a staged checkpoint whose files and {@code metadata.json} were written,
     * checksummed and synced as they were written (see {@link ParallelFiles},
     * {@link #writeMetadata}): syncs each directory once, children first, the root last.
     * Nothing is read back.
     *
     * @param directories the sub-directories made for the files, parents before children
     * @param checksums   every file written, by relative name
     */
    static Sealed sealWritten(Path root, List<String> directories, Map<String, FileChecksum> checksums,
                              byte[] metadataJson, FileSync sync) throws IOException {
        Map<String, Long> resources = new LinkedHashMap<>();
        directories.forEach(dir -> resources.put(dir + "/", 0L));
        checksums.forEach((name, checksum) -> resources.put(name, checksum.size()));
        resources.put(CheckpointMetadata.FILE_NAME, (long) metadataJson.length);
        for (int i = directories.size() - 1; i >= 0; i--) {
            sync.directory(root.resolve(directories.get(i)));
        }
        sync.directory(root);
        return new Sealed(resources, new CheckpointManifest(checksums));
    }

    /**
     * Makes the directories the files' names need, parents first.
     *
     * @return their relative names, parents before children
     */
    static List<String> createDirectories(Path root, Iterable<String> fileNames) throws IOException {
        Set<String> made = new LinkedHashSet<>();
        for (String name : fileNames) {
            int slash = -1;
            while ((slash = name.indexOf('/', slash + 1)) >= 0) {
                String dir = name.substring(0, slash);
                if (made.add(dir)) {
                    Files.createDirectory(root.resolve(dir));
                }
            }
        }
        return List.copyOf(made);
    }

    /** metadata.json is written after the writer's files; one of its own by that name would be lost. */
    private static void refuseMetadataFile(Path root) {
        if (Files.exists(root.resolve(CheckpointMetadata.FILE_NAME), LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("the checkpoint writer wrote " + CheckpointMetadata.FILE_NAME
                    + " into " + root + "; that name holds the checkpoint's metadata and would be"
                    + " overwritten: pass the values as metadata or use another file name");
        }
    }

    /** @return the number of bytes written */
    private static long writeDurably(Path file, byte[] bytes, FileSync sync) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            sync.file(file, channel);
        }
        return bytes.length;
    }

    /** Deletes after a failure; a second failure is added to the first rather than hiding it. */
    static void deleteAfter(Throwable failure, Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
