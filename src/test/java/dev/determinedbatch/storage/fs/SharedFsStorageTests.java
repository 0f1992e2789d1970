package dev.determinedbatch.storage.fs;

import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.StoredCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.determinedbatch.storage.fs.StorageFiles.contents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedFsStorageTests {

    @TempDir
    Path root;

    private Map<String, Object> sharedFs(Path host, String storagePath) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("type", "shared_fs");
        config.put("host_path", host.toString());
        config.put("storage_path", storagePath);
        return config;
    }

    @Test
    void storesUnderHostAndStoragePathAndReportsItselfAsGiven() throws IOException {
        Path host = root.resolve("host");
        CheckpointStorage storage = FileSystemStorages.open(sharedFs(host, "runs/exp1"));

        StoredCheckpoint stored = storage.store(Map.of("steps_completed", 4),
                dir -> Files.writeString(dir.resolve("state"), "4"));

        assertThat(storage).isInstanceOf(SharedFsStorage.class);
        assertThat(storage.config()).isEqualTo(sharedFs(host, "runs/exp1"))
                .containsExactly(Map.entry("type", "shared_fs"), Map.entry("host_path", host.toString()),
                        Map.entry("storage_path", "runs/exp1"));
        assertThat(host.resolve("runs/exp1").resolve(stored.uuid()).resolve("state")).hasContent("4");
        assertThat(storage.list()).containsExactly(stored);
        storage.delete(stored.uuid());
        assertThat(storage.find(stored.uuid())).isEmpty();
    }

    @Test
    void escapingStoragePathCreatesNothing() throws IOException {
        Path host = Files.createDirectory(root.resolve("host"));
        List<String> before = contents(root);

        for (String escape : List.of("../outside", root.resolve("outside").toString())) {
            assertThatThrownBy(() -> FileSystemStorages.open(sharedFs(host, escape)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("storage_path '" + escape + "'")
                    .hasMessageContaining("outside host_path " + host);
        }
        assertThat(contents(root)).isEqualTo(before).containsExactly("host/");
    }

    @Test
    void plainPathOpensDirectoryStorage() throws IOException {
        Path dir = root.resolve("plain");
        CheckpointStorage storage = FileSystemStorages.open("file://" + dir);
        assertThat(storage).isInstanceOf(DirectoryStorage.class);
        assertThat(storage.config()).containsExactly(Map.entry("type", "directory"),
                Map.entry("container_path", dir.toString()));
        assertThat(dir).isDirectory();
    }

    @Test
    void unsupportedTypesCreateNothing() {
        assertThatThrownBy(() -> FileSystemStorages.open(Map.of("type", "azure", "container", "c")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("azure checkpoint storage is not supported yet");
        assertThatThrownBy(() -> FileSystemStorages.open(Map.of("type", "nfs", "host_path", root.resolve("x").toString())))
                .hasMessage("unknown checkpoint storage type 'nfs'; supported types: directory, shared_fs, s3");
        assertThat(contents(root)).isEmpty();
    }
}
