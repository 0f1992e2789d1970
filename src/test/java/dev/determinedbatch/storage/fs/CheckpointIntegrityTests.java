package dev.determinedbatch.storage.fs;

import dev.determinedbatch.storage.CheckpointManifest;
import dev.determinedbatch.storage.CorruptCheckpointException;
import dev.determinedbatch.storage.FileChecksum;
import dev.determinedbatch.storage.StoredCheckpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.determinedbatch.storage.fs.StorageFiles.uuids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** checksums.json: written with every checkpoint, checked before every restore. */
class CheckpointIntegrityTests {

    private static final String A = "11111111-1111-4111-8111-111111111111";

    /** CRC32C (Castagnoli) of "1" and of ten zero bytes, computed independently of java.util.zip. */
    private static final String EXPECTED_MANIFEST = """
            {
              "algorithm": "crc32c",
              "files": {
                "state": {
                  "size": 1,
                  "crc32c": "90f599e3"
                },
                "sub/w.bin": {
                  "size": 10,
                  "crc32c": "e3ddf06b"
                }
              }
            }""";

    @TempDir
    Path base;

    private DirectoryStorage storage;
    private StoredCheckpoint stored;
    private Path dir;

    @BeforeEach
    void storeExample() throws IOException {
        storage = new DirectoryStorage(base, DirectoryStorage.Options.defaults().withUuids(uuids(A)));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("steps_completed", 1);
        stored = storage.store(metadata, staged -> {
            Files.writeString(staged.resolve("state"), "1");
            Files.createDirectory(staged.resolve("sub"));
            Files.write(staged.resolve("sub/w.bin"), new byte[10]);
            Files.createDirectory(staged.resolve("emptydir"));
        });
        dir = base.resolve(A);
    }

    @Test
    void crc32cIsCastagnolis() throws IOException {
        Path file = Files.writeString(base.resolve("check"), "123456789");
        assertThat(FileChecksum.of(file)).isEqualTo(new FileChecksum(9, 0xe3069283));
        assertThat(FileChecksum.of(file).crc32cHex()).isEqualTo("e3069283");
    }

    @Test
    void manifestListsTheWritersFilesAndIsItselfAResource() throws IOException {
        byte[] manifest = Files.readAllBytes(dir.resolve(CheckpointManifest.FILE_NAME));

        assertThat(new String(manifest, StandardCharsets.US_ASCII)).isEqualTo(EXPECTED_MANIFEST);
        assertThat(stored.resources()).containsExactlyInAnyOrderEntriesOf(Map.of("emptydir/", 0L, "sub/", 0L,
                "state", 1L, "sub/w.bin", 10L, "checksums.json", (long) manifest.length, "metadata.json", Files.size(dir.resolve("metadata.json"))));
        assertThat(CheckpointManifest.parse(A, manifest).files()).containsOnlyKeys("state", "sub/w.bin");
        assertThat(storage.find(A)).contains(stored);
    }

    @Test
    void anIntactCheckpointRestores() throws IOException {
        String state = storage.restore(A, c -> Files.readString(c.resolve("state")));
        assertThat(state).isEqualTo("1");
    }

    @Test
    void aFlippedByteIsACrcMismatch() throws IOException {
        byte[] bytes = Files.readAllBytes(dir.resolve("sub/w.bin"));
        bytes[7] ^= 0x01;
        Files.write(dir.resolve("sub/w.bin"), bytes);

        assertCorrupt("sub/w.bin", "crc32c mismatch: " + FileChecksum.of(dir.resolve("sub/w.bin")).crc32cHex()
                + ", expected e3ddf06b");
    }

    @Test
    void aTruncatedFileHasTheWrongSize() throws IOException {
        try (FileChannel channel = FileChannel.open(dir.resolve("sub/w.bin"), StandardOpenOption.WRITE)) {
            channel.truncate(5);
        }
        assertCorrupt("sub/w.bin", "size 5, expected 10");
    }

    @Test
    void aDeletedFileIsMissing() throws IOException {
        Files.delete(dir.resolve("state"));
        assertCorrupt("state", "missing");
    }

    @Test
    void aDirectoryInPlaceOfAFileIsNoRegularFile() throws IOException {
        Files.delete(dir.resolve("state"));
        Files.createDirectory(dir.resolve("state"));
        assertCorrupt("state", "not a regular file");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"algorithm\": \"crc32c\", \"files\": {                | not a JSON object",
        "[]                                                       | not a JSON object",
        "{\"algorithm\": \"md5\", \"files\": {}}                  | algorithm is \"md5\", expected \"crc32c\"",
        "{\"files\": {}}                                          | algorithm is null, expected \"crc32c\"",
        "{\"algorithm\": \"crc32c\", \"files\": []}               | \"files\" is not a JSON object",
        "{\"algorithm\": \"crc32c\", \"files\": {\"state\": 1}}   | the entry of 'state' is not a JSON object",
        "{\"algorithm\": \"crc32c\", \"files\": {\"state\": {\"size\": \"1\", \"crc32c\": \"90f599e3\"}}} | the size of 'state' is \"1\"",
        "{\"algorithm\": \"crc32c\", \"files\": {\"state\": {\"size\": -1, \"crc32c\": \"90f599e3\"}}}  | the size of 'state' is -1",
        "{\"algorithm\": \"crc32c\", \"files\": {\"state\": {\"size\": 1, \"crc32c\": \"90f599e\"}}}    | the crc32c of 'state' is \"90f599e\", expected 8 hex digits",
        "{\"algorithm\": \"crc32c\", \"files\": {\"state\": {\"size\": 1}}}                             | the crc32c of 'state' is null",
        "{\"algorithm\": \"crc32c\", \"files\": {\"../x\": {\"size\": 1, \"crc32c\": \"90f599e3\"}}}  | it lists '../x', a path outside the checkpoint",
    })
    void aMalformedManifestMakesTheCheckpointCorrupt(String manifest, String problem) throws IOException {
        Files.writeString(dir.resolve(CheckpointManifest.FILE_NAME), manifest.strip());
        assertCorrupt(CheckpointManifest.FILE_NAME, "malformed: " + problem.strip());
    }

    @Test
    void aManifestThatIsNoFileIsCorrupt() throws IOException {
        Files.delete(dir.resolve(CheckpointManifest.FILE_NAME));
        Files.createDirectory(dir.resolve(CheckpointManifest.FILE_NAME));
        assertCorrupt(CheckpointManifest.FILE_NAME, "not a regular file");
    }

    @Test
    void writerMayNotWriteChecksumsJson() throws IOException {
        DirectoryStorage other = new DirectoryStorage(base.resolve("other"));
        assertThatThrownBy(() -> other.store(Map.of("steps_completed", 1),
                staged -> Files.writeString(staged.resolve("checksums.json"), "{}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the checkpoint writer wrote checksums.json into ")
                .hasMessageEndingWith("that name holds the checkpoint's checksums and would be overwritten:"
                        + " use another file name");
        assertThat(other.list()).isEmpty();
    }

    @Test
    void filesNamedLikeOursBelowTheRootAreTheWritersAndChecked() throws IOException {
        DirectoryStorage other = new DirectoryStorage(base.resolve("other"));
        StoredCheckpoint nested = other.store(Map.of("steps_completed", 1), staged -> {
            Files.createDirectory(staged.resolve("sub"));
            Files.writeString(staged.resolve("sub/checksums.json"), "{}");
        });
        byte[] manifest = Files.readAllBytes(other.base().resolve(nested.uuid()).resolve(CheckpointManifest.FILE_NAME));
        assertThat(CheckpointManifest.parse(nested.uuid(), manifest).files()).containsOnlyKeys("sub/checksums.json");
    }

    private void assertCorrupt(String file, String problem) {
        AtomicBoolean read = new AtomicBoolean();
        assertThatThrownBy(() -> storage.restore(A, c -> read.getAndSet(true)))
                .isInstanceOfSatisfying(CorruptCheckpointException.class, e -> {
                    assertThat(e.uuid()).isEqualTo(A);
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.problem()).startsWith(problem);
                    assertThat(e).hasMessageStartingWith("checkpoint " + A + " is corrupt: " + file + ": " + problem);
                });
        assertThat(read).as("the reader must not see a corrupt checkpoint").isFalse();
    }
}
