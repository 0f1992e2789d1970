package dev.determinedbatch.storage.fs;

import dev.determinedbatch.storage.CheckpointMetadata;
import dev.determinedbatch.storage.CheckpointVerifier;
import dev.determinedbatch.storage.StoredCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

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
        // the checkpoint directory is Determined's; our checksum manifest lies beside it
        assertThat(contents(base)).containsExactly(".checksums/", ".checksums/" + EXAMPLE_UUID + ".json", ".staging/",
                EXAMPLE_UUID + "/", EXAMPLE_UUID + "/emptydir/", EXAMPLE_UUID + "/metadata.json",
                EXAMPLE_UUID + "/state", EXAMPLE_UUID + "/sub/", EXAMPLE_UUID + "/sub/w.bin");
        assertThat(storage.find(EXAMPLE_UUID)).contains(stored);
    }

    @Test
    void restoresTheCheckpointDeterminedsClientWrote() throws IOException {
        Path dir = copyExample();
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

    @Test
    void aCheckpointWithoutChecksumsIsReadUnverifiedAndSaysSoAtFine() throws IOException {
        copyExample();
        Files.writeString(base.resolve(EXAMPLE_UUID).resolve("state"), "2");   // undetectable without checksums
        Logger logger = Logger.getLogger(CheckpointVerifier.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level level = logger.getLevel();
        logger.setLevel(Level.FINE);
        logger.addHandler(handler);
        try {
            String state = new DirectoryStorage(base).restore(EXAMPLE_UUID, c -> Files.readString(c.resolve("state")));
            assertThat(state).isEqualTo("2");
        } finally {
            logger.removeHandler(handler);
            logger.setLevel(level);
        }
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.getLevel()).isEqualTo(Level.FINE);
            assertThat(new SimpleFormatter().formatMessage(record)).isEqualTo("checkpoint " + EXAMPLE_UUID
                    + " has no checksum manifest .checksums/" + EXAMPLE_UUID + ".json (written by Determined's"
                    + " client, or before checksums were written): read unverified");
        });
    }

    /** The example as Determined's client left it in directory storage, empty directory included. */
    private Path copyExample() throws IOException {
        Path dir = Files.createDirectories(base.resolve(EXAMPLE_UUID));
        Files.copy(example("metadata.json"), dir.resolve("metadata.json"));
        Files.copy(example("state"), dir.resolve("state"));
        Files.createDirectory(dir.resolve("sub"));
        Files.copy(example("sub/w.bin"), dir.resolve("sub/w.bin"));
        Files.createDirectory(dir.resolve("emptydir"));
        return dir;
    }
}
