package dev.determinedbatch.storage.fs;

import dev.determinedbatch.storage.CheckpointMetadata;
import dev.determinedbatch.storage.StoredCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.determinedbatch.storage.fs.StorageFiles.EXAMPLE_UUID;
import static dev.determinedbatch.storage.fs.StorageFiles.contents;
import static dev.determinedbatch.storage.fs.StorageFiles.example;
import static dev.determinedbatch.storage.fs.StorageFiles.uuids;
import static org.assertj.core.api.Assertions.assertThat;

/** Checkpoints written here read as Determined's, and Determined's read here. */
class DeterminedCompatibilityTests {

    /** The resources Determined reported for the example (its README). */
    private static final Map<String, Long> EXAMPLE_RESOURCES = Map.of("emptydir/", 0L, "sub/", 0L,
            "metadata.json", 50L, "state", 1L, "sub/w.bin", 10L);

    @TempDir
    Path base;

    private static Map<String, Object> exampleMetadata() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("steps_completed", 1);
        metadata.put("note", "h\u00e9llo");
        return metadata;
    }

    @Test
    void metadataJsonHasTheBytesOfDeterminedsClient() throws IOException {
        DirectoryStorage storage = new DirectoryStorage(base,
                DirectoryStorage.Options.defaults().withUuids(uuids(EXAMPLE_UUID)));

        storage.store(exampleMetadata(), dir -> { });

        byte[] expected = Files.readAllBytes(example("metadata.json"));
        assertThat(expected).hasSize(50);
        assertThat(Files.readAllBytes(base.resolve(EXAMPLE_UUID).resolve("metadata.json"))).isEqualTo(expected);
        assertThat(CheckpointMetadata.render(exampleMetadata())).isEqualTo(expected);
    }

    @Test
    void resourcesAreListedAsDeterminedListsThem() throws IOException {
        DirectoryStorage storage = new DirectoryStorage(base,
                DirectoryStorage.Options.defaults().withUuids(uuids(EXAMPLE_UUID)));

        StoredCheckpoint stored = storage.store(exampleMetadata(), dir -> {
            Files.writeString(dir.resolve("state"), "1");
            Files.createDirectory(dir.resolve("sub"));
            Files.copy(example("sub/w.bin"), dir.resolve("sub/w.bin"));
            Files.createDirectory(dir.resolve("emptydir"));
        });

        assertThat(stored.uuid()).isEqualTo(EXAMPLE_UUID);
        assertThat(stored.resources()).isEqualTo(EXAMPLE_RESOURCES);
        assertThat(stored.stepsCompleted()).isEqualTo(1);
        assertThat(contents(base)).containsExactly(".staging/", EXAMPLE_UUID + "/",
                EXAMPLE_UUID + "/emptydir/", EXAMPLE_UUID + "/metadata.json", EXAMPLE_UUID + "/state",
                EXAMPLE_UUID + "/sub/", EXAMPLE_UUID + "/sub/w.bin");
        assertThat(storage.find(EXAMPLE_UUID)).contains(stored);
    }

    @Test
    void restoresTheCheckpointDeterminedsClientWrote() throws IOException {
        Path dir = Files.createDirectories(base.resolve(EXAMPLE_UUID));
        Files.copy(example("metadata.json"), dir.resolve("metadata.json"));
        Files.copy(example("state"), dir.resolve("state"));
        Files.createDirectory(dir.resolve("sub"));
        Files.copy(example("sub/w.bin"), dir.resolve("sub/w.bin"));
        Files.createDirectory(dir.resolve("emptydir"));
        DirectoryStorage storage = new DirectoryStorage(base);

        String state = storage.restore(EXAMPLE_UUID, checkpoint -> {
            assertThat(checkpoint.root()).isEqualTo(dir);
            assertThat(checkpoint.checkpoint().metadata())
                    .containsExactly(Map.entry("steps_completed", 1L), Map.entry("note", "h\u00e9llo"));
            assertThat(checkpoint.checkpoint().resources()).isEqualTo(EXAMPLE_RESOURCES);
            assertThat(Files.readAllBytes(checkpoint.resolve("sub/w.bin"))).hasSize(10).containsOnly(0);
            return Files.readString(checkpoint.resolve("state"));
        });

        assertThat(state).isEqualTo("1");
        assertThat(storage.list()).singleElement().satisfies(found -> {
            assertThat(found.uuid()).isEqualTo(EXAMPLE_UUID);
            assertThat(found.stepsCompleted()).isEqualTo(1);
            assertThat(found.resources()).isEqualTo(EXAMPLE_RESOURCES);
        });
    }
}
