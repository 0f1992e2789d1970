package dev.determinedbatch.storage.fs;

import dev.determinedbatch.storage.CheckpointNotFoundException;
import dev.determinedbatch.storage.StoredCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.determinedbatch.storage.fs.StorageFiles.contents;
import static dev.determinedbatch.storage.fs.StorageFiles.uuids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectoryStorageTests {

    private static final String A = "11111111-1111-4111-8111-111111111111";
    private static final String B = "22222222-2222-4222-8222-222222222222";
    private static final String C = "33333333-3333-4333-8333-333333333333";

    @TempDir
    Path root;

    private Path base;
    private DirectoryStorage storage;

    private DirectoryStorage storage(String... uuids) throws IOException {
        base = root.resolve("checkpoints");
        storage = new DirectoryStorage(base, DirectoryStorage.Options.defaults().withUuids(uuids(uuids)));
        return storage;
    }

    private static Map<String, Object> steps(Object steps) {
        Map<String, Object> metadata = new HashMap<>();
        metadata.put("steps_completed", steps);
        return metadata;
    }

    @Test
    void configIsDeterminedsDirectoryStorage() throws IOException {
        storage();
        assertThat(storage.config()).containsExactly(Map.entry("type", "directory"),
                Map.entry("container_path", base.toString()));
        assertThat(Files.isDirectory(base)).isTrue();
    }

    @Test
    void storedCheckpointRestoresAndIsFound() throws IOException {
        storage(A);
        StoredCheckpoint stored = storage.store(Map.of("steps_completed", 7, "loss", 0.25),
                dir -> Files.writeString(dir.resolve("weights"), "abc"));

        assertThat(stored.uuid()).isEqualTo(A);
        assertThat(stored.metadata()).isEqualTo(Map.of("steps_completed", 7L, "loss", 0.25));
        assertThat(storage.find(A)).contains(stored);
        String weights = storage.restore(A, checkpoint -> Files.readString(checkpoint.resolve("weights")));
        assertThat(weights).isEqualTo("abc");
    }

    @Test
    void uuidsAreRandomLowerCaseByDefault() throws IOException {
        DirectoryStorage defaults = new DirectoryStorage(root.resolve("d"));
        String uuid = defaults.store(steps(0), dir -> { }).uuid();
        assertThat(uuid).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(defaults.store(steps(0), dir -> { }).uuid()).isNotEqualTo(uuid);
    }

    @Test
    void metadataWithoutStepsCompletedIsRefusedBeforeAnythingIsWritten() throws IOException {
        storage(A);
        AtomicBoolean written = new AtomicBoolean();
        assertThatThrownBy(() -> storage.store(Map.of("note", "x"), dir -> written.set(true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkpoint metadata must hold steps_completed as a non-negative integer,"
                        + " got no such key (keys: [note])");
        assertThat(written).isFalse();
        assertThat(contents(base)).isEmpty();
    }

    @Test
    void stepsCompletedMustBeANonNegativeInteger() throws IOException {
        storage(A);
        assertThatThrownBy(() -> storage.store(steps(-1), dir -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("as a non-negative integer, got -1 (Integer)");
        assertThatThrownBy(() -> storage.store(steps("10"), dir -> { }))
                .hasMessageEndingWith("got \"10\" (String)");
        assertThatThrownBy(() -> storage.store(steps(10.0), dir -> { }))
                .hasMessageEndingWith("got 10.0 (Double)");
        assertThatThrownBy(() -> storage.store(steps(null), dir -> { }))
                .hasMessageEndingWith("got null");
        assertThat(contents(base)).isEmpty();
        assertThat(storage.store(steps(new BigInteger("12345678901234567890")), dir -> { }).metadata())
                .containsEntry("steps_completed", new BigInteger("12345678901234567890"));
    }

    @Test
    void metadataWithoutJsonFormIsRefusedBeforeAnythingIsWritten() throws IOException {
        storage(A);
        Map<Object, Object> intKey = new HashMap<>(Map.of("steps_completed", 1, 5, "five"));
        @SuppressWarnings("unchecked")
        Map<String, Object> badKey = (Map<String, Object>) (Map<?, ?>) intKey;
        assertThatThrownBy(() -> storage.store(badKey, dir -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("checkpoint metadata cannot be written as JSON: JSON object keys must be strings");
        assertThatThrownBy(() -> storage.store(Map.of("steps_completed", 1, "when", Thread.currentThread()), dir -> { }))
                .hasMessageStartingWith("checkpoint metadata cannot be written as JSON: cannot write a java.lang.Thread");
        assertThat(contents(base)).isEmpty();
    }

    @Test
    void failingWriterLeavesNothing() throws IOException {
        storage(A, B);
        IOException diskFull = new IOException("disk full");
        assertThatThrownBy(() -> storage.store(steps(1), dir -> {
            Files.writeString(dir.resolve("half"), "written");
            throw diskFull;
        })).isSameAs(diskFull);
        assertThatThrownBy(() -> storage.store(steps(1), dir -> {
            throw new IllegalStateException("bug in the writer");
        })).hasMessage("bug in the writer");
        assertThat(contents(base)).containsExactly(".staging/");
        assertThat(storage.list()).isEmpty();
    }

    @Test
    void writerMayNotWriteMetadataJson() throws IOException {
        storage(A);
        assertThatThrownBy(() -> storage.store(steps(1),
                dir -> Files.writeString(dir.resolve("metadata.json"), "{}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the checkpoint writer wrote metadata.json into " + base.resolve(".staging"))
                .hasMessageContaining("would be overwritten");
        assertThat(contents(base)).containsExactly(".staging/");
    }

    @Test
    void symbolicLinksAreRefusedAndTheirTargetsSurvive() throws IOException {
        storage(A, B);
        Path outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "keep me");

        assertThatThrownBy(() -> storage.store(steps(1), dir -> {
            Files.createDirectory(dir.resolve("sub"));
            Files.createSymbolicLink(dir.resolve("sub/escape"), outside);
        })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("checkpoint file 'sub/escape' in " + base.resolve(".staging"))
                .hasMessageEndingWith("is a symbolic link; a checkpoint may hold only regular files and directories");
        assertThatThrownBy(() -> storage.store(steps(1),
                dir -> Files.createSymbolicLink(dir.resolve("secret"), outside.resolve("secret"))))
                .hasMessageContaining("'secret'").hasMessageContaining("is a symbolic link");

        assertThat(contents(base)).containsExactly(".staging/");
        assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("keep me");
    }

    @Test
    void unknownUuidIsNotFound() throws IOException {
        storage();
        List<String> before = contents(base);
        assertThatThrownBy(() -> storage.restore(A, checkpoint -> "never"))
                .isInstanceOf(CheckpointNotFoundException.class)
                .hasMessage("no complete checkpoint " + A + " in " + base)
                .satisfies(e -> assertThat(((CheckpointNotFoundException) e).uuid()).isEqualTo(A));
        assertThat(storage.find(A)).isEmpty();
        assertThat(contents(base)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../etc", "a/b", "..", "/etc"})
    void onlyUuidsNameCheckpoints(String notAUuid) throws IOException {
        storage();
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root");
        String message = "'" + notAUuid + "' is not a checkpoint uuid";

        assertThatThrownBy(() -> storage.restore(notAUuid, c -> "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
        assertThatThrownBy(() -> storage.find(notAUuid)).hasMessageStartingWith(message);
        assertThatThrownBy(() -> storage.delete(notAUuid)).hasMessageStartingWith(message);
        assertThat(contents(root)).containsExactly("checkpoints/", "etc/", "etc/passwd");
    }

    @Test
    void aUuidDirectoryWithoutMetadataIsNoCheckpoint() throws IOException {
        storage();
        Files.createDirectories(base.resolve(A));
        Files.writeString(base.resolve(A).resolve("state"), "1");

        assertThat(storage.find(A)).isEmpty();
        assertThat(storage.list()).isEmpty();
        assertThatThrownBy(() -> storage.restore(A, c -> "x"))
                .isInstanceOf(CheckpointNotFoundException.class)
                .hasMessage("no complete checkpoint " + A + " in " + base + ": its directory has no metadata.json");
    }

    @Test
    void listHoldsCompleteCheckpointsOnlyByStepsCompleted() throws IOException {
        storage(B, A);
        storage.store(steps(20), dir -> { });
        storage.store(steps(10), dir -> { });
        Files.createDirectories(base.resolve(C));                              // no metadata.json
        Files.createDirectories(base.resolve("44444444-4444-4444-8444-444444444444"));
        Files.writeString(base.resolve("44444444-4444-4444-8444-444444444444/metadata.json"), "{\"note\": 1}");
        Files.createDirectories(base.resolve("55555555-5555-4555-8555-555555555555"));
        Files.writeString(base.resolve("55555555-5555-4555-8555-555555555555/metadata.json"), "{\"steps_comp");
        Files.createDirectories(base.resolve("notes"));
        Files.writeString(base.resolve("notes/metadata.json"), "{\"steps_completed\": 3}");
        Files.writeString(base.resolve("66666666-6666-4666-8666-666666666666"), "a file");

        assertThat(storage.list()).extracting(StoredCheckpoint::uuid).containsExactly(A, B);
        assertThatThrownBy(() -> storage.restore("44444444-4444-4444-8444-444444444444", c -> "x"))
                .isInstanceOf(CheckpointNotFoundException.class)
                .hasMessageContaining("holds no non-negative integer steps_completed, got no such key");
    }

    @Test
    void deleteRemovesTheCheckpointAndToleratesMissingOnes() throws IOException {
        storage(A, B);
        storage.store(steps(1), dir -> Files.writeString(dir.resolve("state"), "1"));
        storage.store(steps(2), dir -> Files.createDirectories(dir.resolve("a/b")));

        storage.delete(B);
        storage.delete(B);
        storage.delete(C);

        assertThat(storage.list()).extracting(StoredCheckpoint::uuid).containsExactly(A);
        assertThat(contents(base)).containsExactly(".checksums/", ".checksums/" + A + ".json", ".staging/", A + "/",
                A + "/metadata.json", A + "/state");
    }

    @Test
    void aTakenUuidIsNotOverwritten() throws IOException {
        storage(A, A);
        storage.store(steps(1), dir -> Files.writeString(dir.resolve("state"), "first"));
        assertThatThrownBy(() -> storage.store(steps(2), dir -> Files.writeString(dir.resolve("state"), "second")))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(base.resolve(A).toString());
        assertThat(Files.readString(base.resolve(A).resolve("state"))).isEqualTo("first");
    }

    @Test
    void baseIsCreatedButAFileInTheWayIsNamed() throws IOException {
        Path nested = root.resolve("x/y/z");
        new DirectoryStorage(nested);
        assertThat(nested).isDirectory();

        Path file = Files.writeString(root.resolve("plain-file"), "x");
        assertThatThrownBy(() -> new DirectoryStorage(file))
                .isInstanceOf(IOException.class)
                .hasMessage("checkpoint storage base " + file + " is not a directory (a file is in the way)");
        assertThatThrownBy(() -> new DirectoryStorage(file.resolve("below")))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot create checkpoint storage base " + file.resolve("below"));
    }

    @Test
    void concurrentStoresEachGetTheirOwnCheckpoint() throws Exception {
        DirectoryStorage shared = new DirectoryStorage(root.resolve("c"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<StoredCheckpoint>> stores = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                long step = i;
                stores.add(pool.submit(() -> shared.store(steps(step),
                        dir -> Files.writeString(dir.resolve("state"), Long.toString(step)))));
            }
            for (Future<StoredCheckpoint> store : stores) {
                StoredCheckpoint stored = store.get();
                String state = shared.restore(stored.uuid(), c -> Files.readString(c.resolve("state")));
                assertThat(state).isEqualTo(Long.toString(stored.stepsCompleted()));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(shared.list()).hasSize(16);
        assertThat(contents(root.resolve("c/.staging"))).isEmpty();
    }
}
