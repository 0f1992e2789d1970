package dev.determinedbatch.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class StorageSpecTests {

    @TempDir
    Path host;

    @Test
    void plainPathIsDirectoryStorage() {
        StorageSpec spec = StorageSpec.parse("/data/checkpoints");
        assertThat(spec.checkpointRoot()).isEqualTo(Path.of("/data/checkpoints"));
        assertThat(spec.config()).containsExactly(entry("type", "directory"),
                entry("container_path", "/data/checkpoints"));
    }

    @Test
    void fileUrlIsDirectoryStorage() {
        assertThat(StorageSpec.parse("file:///data/checkpoints").config())
                .containsExactly(entry("type", "directory"), entry("container_path", "/data/checkpoints"));
        assertThat(StorageSpec.parse("file:///data/my%20checkpoints").checkpointRoot())
                .isEqualTo(Path.of("/data/my checkpoints"));
    }

    @Test
    void relativePathsAreMadeAbsolute() {
        Path expected = Path.of("").toAbsolutePath().resolve("ckpt");
        assertThat(StorageSpec.parse("ckpt").checkpointRoot()).isEqualTo(expected);
        assertThat(StorageSpec.parse(Path.of("ckpt")).config()).containsEntry("container_path", expected.toString());
        assertThat(StorageSpec.parse(Map.of("type", "shared_fs", "host_path", "shared")).checkpointRoot())
                .isEqualTo(Path.of("").toAbsolutePath().resolve("shared"));
    }

    @Test
    void directoryMappingKeepsRetentionKeys() {
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("type", "directory");
        given.put("container_path", "/data/c");
        given.put("save_trial_latest", 2L);
        assertThat(StorageSpec.parse(given).config()).containsExactly(entry("type", "directory"),
                entry("container_path", "/data/c"), entry("save_trial_latest", 2L));
    }

    @Test
    void sharedFsIsKeptAsGivenInDeterminedsKeyOrder() {
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("storage_path", "runs/a");
        given.put("host_path", host.toString());
        given.put("type", "shared_fs");
        StorageSpec spec = StorageSpec.parse(given);
        assertThat(spec).isInstanceOf(StorageSpec.SharedFs.class);
        assertThat(spec.checkpointRoot()).isEqualTo(host.resolve("runs/a"));
        assertThat(spec.config()).containsExactly(entry("type", "shared_fs"),
                entry("host_path", host.toString()), entry("storage_path", "runs/a"));
    }

    @Test
    void sharedFsWithoutStoragePathStoresAtHostPath() {
        StorageSpec spec = StorageSpec.parse(Map.of("type", "shared_fs", "host_path", host.toString()));
        assertThat(spec.checkpointRoot()).isEqualTo(host);
        assertThat(spec.config()).containsExactly(entry("type", "shared_fs"), entry("host_path", host.toString()));
    }

    @Test
    void absoluteStoragePathInsideHostPathIsAccepted() {
        String inside = host.resolve("a/b").toString();
        StorageSpec spec = StorageSpec.parse(Map.of("type", "shared_fs", "host_path", host.toString(),
                "storage_path", inside));
        assertThat(spec.checkpointRoot()).isEqualTo(host.resolve("a/b"));
        assertThat(spec.config()).containsEntry("storage_path", inside);
    }

    @Test
    void storagePathEscapingHostPathIsRefusedAndNothingIsCreated(@TempDir Path root) throws IOException {
        Path hostPath = Files.createDirectory(root.resolve("host"));
        Files.writeString(hostPath.resolve("marker"), "x");
        List<Path> before = listing(root);
        for (String escape : List.of("../outside", "a/../../outside", "..", root.resolve("elsewhere").toString(),
                root.resolve("host-sibling").toString(), "/tmp")) {
            assertThatThrownBy(() -> StorageSpec.parse(Map.of("type", "shared_fs", "host_path", hostPath.toString(),
                    "storage_path", escape)))
                    .as(escape)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("storage_path '" + escape + "'")
                    .hasMessageContaining("outside host_path " + hostPath);
        }
        assertThat(listing(root)).isEqualTo(before)
                .containsExactly(root, hostPath, hostPath.resolve("marker"));
    }

    @Test
    void otherObjectStoresAreNotSupportedYet() {
        assertThatThrownBy(() -> StorageSpec.parse("gs://bucket"))
                .hasMessageStartingWith("gcs checkpoint storage is not supported yet");
        assertThatThrownBy(() -> StorageSpec.parse(Map.of("type", "azure", "connection_string", "secret-value")))
                .hasMessageStartingWith("azure checkpoint storage is not supported yet")
                .hasMessageNotContaining("secret-value");
        assertThatThrownBy(() -> StorageSpec.parse("s3://bucket/prefix"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give s3 storage as a mapping");
    }

    @Test
    void s3IsDeterminedsMappingWithTheKeysNeverShown() {
        StorageSpec spec = StorageSpec.parse("{\"type\": \"s3\", \"bucket\": \"b\", \"prefix\": \"/runs//a\","
                + " \"endpoint_url\": \"http://127.0.0.1:9000\", \"access_key\": \"AKIDX\", \"secret_key\": \"s3cr3t\","
                + " \"save_trial_latest\": 2}");
        assertThat(spec).isInstanceOf(StorageSpec.S3.class);
        StorageSpec.S3 s3 = (StorageSpec.S3) spec;
        assertThat(s3.bucket()).isEqualTo("b");
        assertThat(s3.accessKey()).isEqualTo("AKIDX");
        assertThat(s3.secretKey()).isEqualTo("s3cr3t");
        assertThat(spec.config()).containsExactly(entry("type", "s3"), entry("bucket", "b"), entry("prefix", "/runs//a"),
                entry("endpoint_url", "http://127.0.0.1:9000"), entry("save_trial_latest", 2L));
        assertThat(spec.toString()).doesNotContain("s3cr3t").doesNotContain("AKIDX").contains("s3://b/");
        assertThat(s3.sameObjects((StorageSpec.S3) StorageSpec.parse(Map.of("type", "s3", "bucket", "b",
                "prefix", "runs/a/", "endpoint_url", "http://127.0.0.1:9000")))).isTrue();
        assertThat(s3.sameObjects((StorageSpec.S3) StorageSpec.parse(Map.of("type", "s3", "bucket", "b",
                "prefix", "runs/b", "endpoint_url", "http://127.0.0.1:9000")))).isFalse();
        assertThatThrownBy(spec::checkpointRoot).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void s3NeedsABucketAndBothKeysOrNone() {
        assertThatThrownBy(() -> StorageSpec.parse(Map.of("type", "s3")))
                .hasMessageContaining("s3 checkpoint storage needs bucket");
        assertThatThrownBy(() -> StorageSpec.parse(Map.of("type", "s3", "bucket", "b", "secret_key", "s3cr3t")))
                .hasMessageContaining("both access_key and secret_key").hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> StorageSpec.parse(Map.of("type", "s3", "bucket", "b", "prefix", "a/../../etc")))
                .hasMessageContaining("'..'");
        assertThatThrownBy(() -> StorageSpec.parse(Map.of("type", "s3", "bucket", "b", "region", "x")))
                .hasMessageContaining("unknown key 'region'");
    }

    @Test
    void unknownTypeIsNamedWithTheSupportedOnes() {
        assertThatThrownBy(() -> StorageSpec.parse(Map.of("type", "ftp", "host", "h")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown checkpoint storage type 'ftp'; supported types: directory, shared_fs, s3");
        assertThatThrownBy(() -> StorageSpec.parse("ftp://host/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown scheme 'ftp'").hasMessageContaining("directory or shared_fs or s3");
    }

    @Test
    void missingOrMistypedKeysAreNamed() {
        assertThatThrownBy(() -> StorageSpec.parse(Map.of("host_path", "/x")))
                .hasMessageContaining("has no type");
        assertThatThrownBy(() -> StorageSpec.parse(Map.of("type", "shared_fs")))
                .hasMessageContaining("shared_fs checkpoint storage needs host_path");
        assertThatThrownBy(() -> StorageSpec.parse(Map.of("type", "directory")))
                .hasMessageContaining("directory checkpoint storage needs container_path");
        assertThatThrownBy(() -> StorageSpec.parse(Map.of("type", "shared_fs", "host_path", "/x", "storagepath", "y")))
                .hasMessageContaining("unknown key 'storagepath'").hasMessageContaining("storage_path");
        assertThatThrownBy(() -> StorageSpec.parse(Map.of("type", "shared_fs", "host_path", "/x", "storage_path", 3)))
                .hasMessageContaining("storage_path must be a string");
        assertThatThrownBy(() -> StorageSpec.parse(""))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> StorageSpec.parse(42))
                .hasMessageContaining("java.lang.Integer");
        assertThatThrownBy(() -> StorageSpec.parse("file:relative/x"))
                .hasMessageContaining("not a local file URL");
    }

    @Test
    void mappingMayComeAsJsonText() {
        StorageSpec spec = StorageSpec.parse("{\"type\": \"shared_fs\", \"host_path\": \"" + host
                + "\", \"storage_path\": \"s\"}");
        assertThat(spec.checkpointRoot()).isEqualTo(host.resolve("s"));
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> entries = Files.walk(dir)) {
            return entries.sorted().toList();
        }
    }
}
