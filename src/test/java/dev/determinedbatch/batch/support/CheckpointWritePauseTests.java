package dev.determinedbatch.batch.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.storage.StoreObserver.Phase;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.Verification;
import dev.determinedbatch.storage.fs.DirectoryStorage;
import dev.determinedbatch.testsupport.HeldWrite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test-only pause inside a checkpoint write: armed by a file, one store per arm, bounded. */
class CheckpointWritePauseTests {

    @TempDir
    Path temp;

    @Test
    void offUnlessConfigured() throws IOException {
        assertThat(CheckpointWritePause.configured(Optional.empty())).isEmpty();
        assertThat(CheckpointWritePause.configured(Optional.of(" "))).isEmpty();
        Path dir = temp.resolve("pause");
        assertThat(CheckpointWritePause.configured(Optional.of(dir.toString())))
                .hasValueSatisfying(pause -> assertThat(pause.directory()).isEqualTo(dir.toAbsolutePath()));
        assertThat(dir).isDirectory();
    }

    @Test
    void aStoreWithoutAnArmDoesNotPause() throws Exception {
        // with no limit, a pause would end at once and leave its marker
        CheckpointWritePause pause = new CheckpointWritePause(Files.createDirectory(temp.resolve("pause")),
                Duration.ZERO);
        DirectoryStorage storage = storage(pause);

        StoredCheckpoint stored = store(storage);

        assertThat(storage.find(stored.uuid())).isPresent();
        assertThat(pause.directory()).isEmptyDirectory();
    }

    @Test
    void anArmedStorePausesAtItsPhaseUntilReleasedAndTheArmServesOneStoreOnly() throws Exception {
        for (Phase phase : Phase.values()) {
            Path dir = Files.createDirectory(temp.resolve("pause-" + phase));
            CheckpointWritePause pause = new CheckpointWritePause(dir, CheckpointWritePause.DEFAULT_LIMIT);
            DirectoryStorage storage = storage(pause);
            Files.createFile(dir.resolve(CheckpointWritePause.armFile(phase)));

            CompletableFuture<StoredCheckpoint> paused = CompletableFuture.supplyAsync(() -> store(storage));
            HeldWrite held = HeldWrite.await(dir, Duration.ofSeconds(60));

            assertThat(held.phase()).isEqualTo(phase);
            String uuid = held.uuid();
            assertThat(dir.resolve(CheckpointWritePause.armFile(phase))).as("the arm is consumed").doesNotExist();
            assertThat(paused).as("paused at " + phase).isNotDone();
            assertThat(storage.find(uuid).isPresent()).as("under its uuid at " + phase)
                    .isEqualTo(phase == Phase.PUBLISHED);

            Files.delete(dir.resolve(CheckpointWritePause.MARKER));
            assertThat(paused.get(60, TimeUnit.SECONDS).uuid()).isEqualTo(uuid);
            String restored = storage.restore(uuid, checkpoint -> checkpoint.checkpoint().uuid(), Verification.REQUIRED);
            assertThat(restored).isEqualTo(uuid);

            // the arm was taken: the next store does not pause (with no limit, a pause would leave its marker)
            DirectoryStorage unlimited = storage(new CheckpointWritePause(dir, Duration.ZERO));
            assertThat(unlimited.find(store(unlimited).uuid())).isPresent();
            assertThat(dir).isEmptyDirectory();
        }
    }

    @Test
    void aPauseNobodyReleasesEndsAtItsLimit() throws Exception {
        Path dir = Files.createDirectory(temp.resolve("pause"));
        CheckpointWritePause pause = new CheckpointWritePause(dir, Duration.ZERO);
        Files.createFile(dir.resolve(CheckpointWritePause.armFile(Phase.FILES_STAGED)));

        StoredCheckpoint stored = store(storage(pause));

        assertThat(storage(pause).find(stored.uuid())).isPresent();
        assertThat(dir.resolve(CheckpointWritePause.MARKER)).as("left by a pause that ended at its limit")
                .hasContent(stored.uuid() + " " + Phase.FILES_STAGED);
        assertThat(dir.resolve(CheckpointWritePause.armFile(Phase.FILES_STAGED))).doesNotExist();
    }

    @Test
    void aNegativeLimitIsRefused() {
        assertThatThrownBy(() -> new CheckpointWritePause(temp, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    private DirectoryStorage storage(CheckpointWritePause pause) throws IOException {
        return new DirectoryStorage(temp.resolve("checkpoints"), DirectoryStorage.Options.defaults().withObserver(pause));
    }

    private static StoredCheckpoint store(DirectoryStorage storage) {
        try {
            return storage.store(Map.of("steps_completed", 1), d -> Files.writeString(d.resolve("w.bin"), "w"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
