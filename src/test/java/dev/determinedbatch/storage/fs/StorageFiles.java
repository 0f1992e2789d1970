package dev.determinedbatch.storage.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** What the storage tests look at on disk. */
final class StorageFiles {

    /** The checkpoint Determined's Python client wrote, as kept in test resources. */
    static final String EXAMPLE_UUID = "00944a54-7c2e-4402-8e77-88a7e8988b22";

    private StorageFiles() {
    }

    /** Everything under {@code dir}, relative, sorted, directories with a trailing '/'. */
    static List<String> contents(Path dir) {
        try (Stream<Path> entries = Files.walk(dir)) {
            return entries.filter(p -> !p.equals(dir))
                    .map(p -> dir.relativize(p).toString().replace('\\', '/')
                            + (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? "/" : ""))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of the Python-written example checkpoint. */
    static Path example(String relativePath) {
        try {
            return Path.of(StorageFiles.class.getResource("/checkpoint-example/" + relativePath).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hands out the given uuids in order, so tests know where a checkpoint lands. */
    static Supplier<UUID> uuids(String... uuids) {
        java.util.Iterator<String> next = List.of(uuids).iterator();
        return () -> UUID.fromString(next.next());
    }
}
