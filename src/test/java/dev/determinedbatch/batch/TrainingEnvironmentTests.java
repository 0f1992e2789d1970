package dev.determinedbatch.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint storage the environment opens: inside the allowed roots when a job chooses it, with
 * the test-only write pause when it is configured; the dataset a job may read: inside the allowed
 * dataset roots, or the bundled digits.
 */
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

    @Test
    void aJobParameterOutsideTheAllowedRootsIsRefusedBeforeAnythingIsCreated() throws IOException {
        Path extra = temp.resolve("mnt/ckpt");
        TrainingEnvironment environment = new TrainingEnvironment(config(Map.of(
                TrainingEnvironment.DATA_DIR, temp.resolve("data").toString(),
                TrainingEnvironment.ALLOWED_STORAGE_ROOTS, extra + ", " + temp.resolve("other"))));
        Path outside = temp.resolve("etc");
        String roots = "[" + temp.resolve("data/checkpoints") + ", " + extra + ", " + temp.resolve("other") + "]";

        for (String location : List.of(outside.toString(), "file://" + outside,
                temp.resolve("data/checkpoints/../../etc").toString(),
                "{\"type\": \"shared_fs\", \"host_path\": \"" + outside + "\"}")) {
            assertThatThrownBy(() -> environment.storage(parameters(environment, "checkpointStorage", location)))
                    .as(location)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("job parameter 'checkpointStorage': " + outside + " is outside the allowed checkpoint"
                            + " storage roots " + roots + "; an operator adds roots with"
                            + " determined.batch.storage.allowed-roots");
        }
        assertThatThrownBy(() -> environment.storage(parameters(environment, "checkpointStorage", "../../x")))
                .hasMessageStartingWith("job parameter 'checkpointStorage': checkpoint storage path '../../x' is"
                        + " relative; it must be an absolute path inside the allowed checkpoint storage roots " + roots);

        try (var entries = Files.list(temp)) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void theTrainingDefaultIsHeldToTheSameRootsAndTheMessageNamesItsConfigKey() {
        TrainingEnvironment environment = new TrainingEnvironment(config(Map.of(
                TrainingEnvironment.DATA_DIR, temp.resolve("data").toString(),
                "training.checkpointStorage", temp.resolve("elsewhere").toString())));

        assertThatThrownBy(() -> environment.storage(parameters(environment)))
                .hasMessage("config key 'training.checkpointStorage' (default of job parameter 'checkpointStorage'): "
                        + temp.resolve("elsewhere") + " is outside the allowed checkpoint storage roots ["
                        + temp.resolve("data/checkpoints") + "]; an operator adds roots with"
                        + " determined.batch.storage.allowed-roots");
        assertThat(temp.resolve("elsewhere")).doesNotExist();
    }

    @Test
    void insideAnAllowedRootTheJobsChoiceIsOpenedAndTheConfiguredDefaultIsTrusted() throws IOException {
        Path extra = temp.resolve("mnt/ckpt");
        Path configured = temp.resolve("shared/checkpoints");
        TrainingEnvironment environment = new TrainingEnvironment(config(Map.of(
                TrainingEnvironment.DATA_DIR, temp.resolve("data").toString(),
                "det.checkpoint.storage", configured.toString(),
                TrainingEnvironment.ALLOWED_STORAGE_ROOTS, extra + "," + temp.resolve("a\\,b"))));

        store(environment.storage(parameters(environment, "checkpointStorage", extra.resolve("team-a").toString())));
        store(environment.storage(parameters(environment, "checkpointStorage", configured.resolve("run").toString())));
        store(environment.storage(parameters(environment)));

        assertThat(extra.resolve("team-a")).isDirectory();
        assertThat(configured.resolve("run")).isDirectory();
        assertThat(environment.storageRoots().roots()).containsExactly(configured, extra, temp.resolve("a,b"));
        assertThatThrownBy(() -> environment.storage(parameters(environment, "checkpointStorage",
                temp.resolve("data/checkpoints").toString())))
                .hasMessageContaining("is outside the allowed checkpoint storage roots [" + configured + ", " + extra
                        + ", " + temp.resolve("a,b") + "]");
    }

    @Test
    void aRelativeAllowedRootIsTheOperatorsErrorNamingTheKey() {
        TrainingEnvironment environment = new TrainingEnvironment(config(Map.of(
                TrainingEnvironment.DATA_DIR, temp.resolve("data").toString(),
                TrainingEnvironment.ALLOWED_STORAGE_ROOTS, "ckpt")));

        assertThatThrownBy(() -> environment.storage(parameters(environment, "checkpointStorage",
                temp.resolve("data/checkpoints/x").toString())))
                .hasMessage("config key 'determined.batch.storage.allowed-roots' (DETERMINED_BATCH_STORAGE_ALLOWED_ROOTS):"
                        + " checkpoint storage root 'ckpt' is relative; it must be an absolute path");
    }

    @Test
    void withoutDatasetRootsOnlyTheBundledDigitsAreAllowedAndARefusalTellsTheOperatorWhatToSet() throws IOException {
        TrainingEnvironment environment = new TrainingEnvironment(config(Map.of(
                TrainingEnvironment.DATA_DIR, temp.resolve("data").toString())));
        Path existing = Files.writeString(temp.resolve("passwd"), "root:x:0:0");

        assertThat(environment.dataset(parameters(environment))).isNull();
        assertThat(environment.datasetRoots().roots()).isEmpty();
        for (Path file : List.of(existing, temp.resolve("shadow"))) {
            assertThatThrownBy(() -> environment.dataset(parameters(environment, "dataset", file.toString())))
                    .hasMessage("job parameter 'dataset': " + file + " is not inside the allowed dataset roots []"
                            + " (none is configured: only the bundled digits, with 'dataset' unset); an operator"
                            + " adds roots with determined.batch.dataset.allowed-roots");
        }
    }

    @Test
    void aDatasetInsideAConfiguredRootIsAllowedAndTheTrainingDefaultIsHeldToTheSameRoots() throws IOException {
        Path root = Files.createDirectories(temp.resolve("datasets"));
        Path file = Files.writeString(root.resolve("d.csv.gz"), "x");
        Path outside = Files.writeString(temp.resolve("d.csv.gz"), "x");
        TrainingEnvironment environment = new TrainingEnvironment(config(Map.of(
                TrainingEnvironment.ALLOWED_DATASET_ROOTS, root + ", " + temp.resolve("a\\,b"),
                "training.dataset", outside.toString())));

        assertThat(environment.datasetRoots().roots()).containsExactly(root, temp.resolve("a,b"));
        assertThat(environment.dataset(parameters(environment, "dataset", file.toString())).real())
                .isEqualTo(file.toRealPath());
        assertThatThrownBy(() -> environment.dataset(parameters(environment)))
                .hasMessage("config key 'training.dataset' (default of job parameter 'dataset'): " + outside
                        + " is not inside the allowed dataset roots [" + root + ", " + temp.resolve("a,b")
                        + "]; an operator adds roots with determined.batch.dataset.allowed-roots");
        assertThatThrownBy(() -> environment.dataset(parameters(environment, "dataset", "d.csv.gz")))
                .hasMessageStartingWith("job parameter 'dataset': dataset path 'd.csv.gz' is relative");
    }

    @Test
    void aRelativeDatasetRootIsTheOperatorsErrorNamingTheKey() {
        TrainingEnvironment environment = new TrainingEnvironment(config(Map.of(
                TrainingEnvironment.ALLOWED_DATASET_ROOTS, "datasets")));

        assertThatThrownBy(() -> environment.dataset(parameters(environment, "dataset", "/datasets/d.csv.gz")))
                .hasMessage("config key 'determined.batch.dataset.allowed-roots' (DETERMINED_BATCH_DATASET_ALLOWED_ROOTS):"
                        + " dataset root 'datasets' is relative; it must be an absolute path");
    }

    private static TrainingJobParameters parameters(TrainingEnvironment environment, String... nameValues) {
        Properties job = new Properties();
        for (int i = 0; i < nameValues.length; i += 2) {
            job.setProperty(nameValues[i], nameValues[i + 1]);
        }
        return TrainingJobParameters.parse(job, environment.config(), "train", 1);
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
