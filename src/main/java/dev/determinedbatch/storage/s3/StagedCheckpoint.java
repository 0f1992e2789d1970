package dev.determinedbatch.storage.s3;

import dev.determinedbatch.files.FileTrees;
import dev.determinedbatch.storage.CheckpointManifest;
import dev.determinedbatch.storage.CheckpointMetadata;
import dev.determinedbatch.storage.FileChecksum;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's files in the local staging directory, as they will be uploaded: every file with
 * its size and CRC32C (the manifest), every sub-directory as {@code "rel/dir/"} (uploaded as an
 * empty object, as Determined's client does), and {@code resources} as Determined computes them,
 * {@code metadata.json} included.
 *
 * @param files       relative path of each file the writer left, in path order
 * @param directories each sub-directory as {@code "rel/dir/"}
 */
record StagedCheckpoint(List<String> files, List<String> directories, Map<String, Long> resources,
                        CheckpointManifest manifest) {

    /**
     * Reads the writer's tree once.
     *
     * @param metadataBytes the size of the rendered {@code metadata.json}, uploaded beside the files
     * @throws IllegalArgumentException when the writer wrote {@code metadata.json} itself, or left a
     *                                  symbolic link or a special file: an upload would follow a
     *                                  link outside the checkpoint
     */
    static StagedCheckpoint read(Path root, long metadataBytes) throws IOException {
        if (Files.exists(root.resolve(CheckpointMetadata.FILE_NAME), LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("the checkpoint writer wrote " + CheckpointMetadata.FILE_NAME
                    + "; that name holds the checkpoint's metadata and would be overwritten:"
                    + " pass the values as metadata or use another file name");
        }
        List<String> files = new ArrayList<>();
        List<String> directories = new ArrayList<>();
        Map<String, Long> resources = new LinkedHashMap<>();
        Map<String, FileChecksum> checksums = new LinkedHashMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) {
                    String name = FileTrees.relativeName(root, dir) + "/";
                    directories.add(name);
                    resources.put(name, 0L);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = FileTrees.relativeName(root, file);
                if (!attrs.isRegularFile()) {
                    throw new IllegalArgumentException("checkpoint file '" + name + "' is "
                            + (attrs.isSymbolicLink() ? "a symbolic link" : "not a regular file")
                            + "; a checkpoint may hold only regular files and directories");
                }
                FileChecksum checksum = FileChecksum.of(file);
                files.add(name);
                resources.put(name, checksum.size());
                checksums.put(name, checksum);
                return FileVisitResult.CONTINUE;
            }
        });
        resources.put(CheckpointMetadata.FILE_NAME, metadataBytes);
        files.sort(null);
        directories.sort(null);
        return new StagedCheckpoint(List.copyOf(files), List.copyOf(directories), resources,
                new CheckpointManifest(checksums));
    }
}
