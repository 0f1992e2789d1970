package dev.determinedbatch.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.storage.StoreObserver;
import dev.determinedbatch.storage.StoreObserver.Phase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a store tells its observer, and what is on disk at each phase. */
class StoreObserverTests {

    private static final String UUID = "6a4b2a5e-0c2f-4c59-9d55-8d1f1e3c2b10";

    @TempDir
    Path base;

    @Test
    void storageObservesNothingByDefault() {
        assertThat(DirectoryStorage.Options.defaults().observer()).isSameAs(StoreObserver.NONE);
    }

    @Test
    void aStoreReportsEachPhaseInOrderWithWhatIsOnDiskThen() throws IOException {
        List<String> seen = new ArrayList<>();
        StoreObserver observer = (uuid, phase) -> seen.add(phase + " " + uuid + " " + StorageFiles.contents(base));
        DirectoryStorage storage = new DirectoryStorage(base,
                DirectoryStorage.Options.defaults().withUuids(StorageFiles.uuids(UUID)).withObserver(observer));

        storage.store(Map.of("steps_completed", 3), dir -> Files.writeString(dir.resolve("w.bin"), "w"));

        String staged = ".staging/" + UUID + "." + StagingArea.localHostname() + "." + ProcessHandle.current().pid();
        assertThat(seen).containsExactly(
                Phase.FILES_STAGED + " " + UUID + " " + List.of(".staging/", staged + "/", staged + "/w.bin"),
                Phase.MANIFEST_WRITTEN + " " + UUID + " " + List.of(".checksums/", ".checksums/" + UUID + ".json",
                        ".staging/", staged + "/", staged + "/metadata.json", staged + "/w.bin"),
                Phase.PUBLISHED + " " + UUID + " " + List.of(".checksums/", ".checksums/" + UUID + ".json",
                        ".staging/", UUID + "/", UUID + "/metadata.json", UUID + "/w.bin"));
    }

    @Test
    void anObserverFailureFailsTheStoreAndLeavesNoCheckpointNorManifest() throws IOException {
        for (Phase failing : Phase.values()) {
            StoreObserver observer = (uuid, phase) -> {
                if (phase == failing) {
                    throw new IOException("refused at " + phase);
                }
            };
            DirectoryStorage storage = new DirectoryStorage(base,
                    DirectoryStorage.Options.defaults().withUuids(StorageFiles.uuids(UUID)).withObserver(observer));

            assertThatThrownBy(() -> storage.store(Map.of("steps_completed", 3),
                    dir -> Files.writeString(dir.resolve("w.bin"), "w")))
                    .isInstanceOf(IOException.class).hasMessage("refused at " + failing);
            assertThat(StorageFiles.contents(base)).as("after a failure at " + failing)
                    .doesNotContain(UUID + "/", ".checksums/" + UUID + ".json")
                    .noneMatch(entry -> entry.startsWith(".staging/" + UUID));
        }
    }
}
