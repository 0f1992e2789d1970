package dev.determinedbatch.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.batch.support.CheckpointWritePause;
import dev.determinedbatch.batch.support.TrainingJobParameters;
import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.StoreObserver.Phase;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.testsupport.HeldWrite;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint storage the environment opens, with the test-only write pause when it is configured. */
class TrainingEnvironmentTests {

    @TempDir
    Path temp;

    @Test
    void theConfiguredPauseHoldsTheTrainingStoragesWrites() throws Exception {
        Path pauses = temp.resolve("pauses");
        TrainingEnvironment environment = new TrainingEnvironment(config(Map.of(
                TrainingEnvironment.DATA_DIR, temp.resolve("data").toString(),
                CheckpointWritePause.CONFIG_KEY, pauses.toString())));
        CheckpointStorage storage = environment.storage(parameters(environment));
        Files.createFile(pauses.resolve(CheckpointWritePause.armFile(Phase.MANIFEST_WRITTEN)));

        CompletableFuture<StoredCheckpoint> store = CompletableFuture.supplyAsync(() -> store(storage));
        HeldWrite held = HeldWrite.await(pauses, Duration.ofSeconds(60));
        assertThat(held.phase()).isEqualTo(Phase.MANIFEST_WRITTEN);
        Files.delete(pauses.resolve(CheckpointWritePause.MARKER));

        assertThat(storage.find(store.get(60, TimeUnit.SECONDS).uuid())).isPresent();
        assertThat(temp.resolve("data").resolve("checkpoints")).isDirectory();
    }

    @Test
    void withoutTheKeyNoPauseDirectoryIsMade() throws Exception {
        TrainingEnvironment environment = new TrainingEnvironment(config(Map.of(
                TrainingEnvironment.DATA_DIR, temp.resolve("data").toString())));

        StoredCheckpoint stored = store(environment.storage(parameters(environment)));

        assertThat(stored.stepsCompleted()).isEqualTo(1);
        assertThat(temp.resolve("data")).isDirectoryContaining(p -> p.getFileName().toString().equals("checkpoints"));
        try (var entries = Files.list(temp.resolve("data"))) {
            assertThat(entries).hasSize(1);
        }
    }

    private static TrainingJobParameters parameters(TrainingEnvironment environment) {
        return TrainingJobParameters.parse(new Properties(), environment.config(), "train", 1);
    }

    private static StoredCheckpoint store(CheckpointStorage storage) {
        try {
            return storage.store(Map.of("steps_completed", 1), dir -> Files.writeString(dir.resolve("w.bin"), "w"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Config config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(values, "test", 500)).build();
    }
}
