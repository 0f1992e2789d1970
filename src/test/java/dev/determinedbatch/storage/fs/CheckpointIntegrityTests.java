package dev.determinedbatch.storage.fs;

import dev.determinedbatch.storage.CheckpointManifest;
import dev.determinedbatch.storage.CorruptCheckpointException;
import dev.determinedbatch.storage.FileChecksum;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.Verification;
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

import static dev.determinedbatch.storage.fs.StorageFiles.contents;
import static dev.determinedbatch.storage.fs.StorageFiles.uuids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The checksum manifest {@code .checksums/<uuid>.json}: written beside every checkpoint, never in
 * it, and checked before every restore.
 */
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
    private Path sidecar;

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
        sidecar = base.resolve(".checksums").resolve(A + ".json");
    }

    @Test
    void crc32cIsCastagnolis() throws IOException {
        Path file = Files.writeString(base.resolve("check"), "123456789");
        assertThat(FileChecksum.of(file)).isEqualTo(new FileChecksum(9, 0xe3069283));
        assertThat(FileChecksum.of(file).crc32cHex()).isEqualTo("e3069283");
    }

    @Test
    void theManifestListsTheWritersFilesBesideTheCheckpointNotInIt() throws IOException {
        byte[] manifest = Files.readAllBytes(sidecar);

        assertThat(new String(manifest, StandardCharsets.US_ASCII)).isEqualTo(EXPECTED_MANIFEST);
        assertThat(CheckpointManifest.parse(A, ".checksums/" + A + ".json", manifest).files())
                .containsOnlyKeys("state", "sub/w.bin");
        // the checkpoint is what Determined's client makes of these files: theirs and metadata.json
        assertThat(stored.resources()).containsExactlyInAnyOrderEntriesOf(Map.of("emptydir/", 0L, "sub/", 0L,
                "state", 1L, "sub/w.bin", 10L, "metadata.json", Files.size(dir.resolve("metadata.json"))));
        assertThat(contents(dir)).containsExactly("emptydir/", "metadata.json", "state", "sub/", "sub/w.bin");
        assertThat(storage.find(A)).contains(stored);
    }

    @Test
    void anIntactCheckpointRestores() throws IOException {
        String state = storage.restore(A, c -> Files.readString(c.resolve("state")));
        String verified = storage.restore(A, c -> Files.readString(c.resolve("state")), Verification.REQUIRED);
        assertThat(state).isEqualTo("1");
        assertThat(verified).isEqualTo("1");
    }

    @Test
    void theListingIgnoresTheChecksumsDirectory() throws IOException {
        Files.writeString(base.resolve(".checksums").resolve("22222222-2222-4222-8222-222222222222.json"), "{}");

        assertThat(storage.list()).containsExactly(stored);
        assertThat(storage.find("22222222-2222-4222-8222-222222222222")).isEmpty();
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

    @Test
    void aSymbolicLinkInPlaceOfAFileIsRefusedOnRestoreEvenWithTheSameBytes(@TempDir Path elsewhere) throws IOException {
        Path outside = Files.writeString(elsewhere.resolve("state"), "1");
        Files.delete(dir.resolve("state"));
        Files.createSymbolicLink(dir.resolve("state"), outside);
        java.util.List<String> before = contents(base);

        assertCorrupt("state", "not a regular file");
        assertThat(contents(base)).isEqualTo(before);
        assertThat(Files.readString(outside)).isEqualTo("1");
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
        Files.writeString(sidecar, manifest.strip());
        assertCorrupt(".checksums/" + A + ".json", "malformed: " + problem.strip());
    }

    @Test
    void aManifestThatIsNoFileIsCorrupt() throws IOException {
        Files.delete(sidecar);
        Files.createDirectory(sidecar);
        assertCorrupt(".checksums/" + A + ".json", "not a regular file");
    }

    @Test
    void aMissingManifestIsCorruptWhereVerificationIsRequired() throws IOException {
        Files.delete(sidecar);

        assertCorrupt(".checksums/" + A + ".json", "checksum manifest missing", Verification.REQUIRED);
        String state = storage.restore(A, c -> Files.readString(c.resolve("state")), Verification.IF_PRESENT);
        assertThat(state).as("a checkpoint without manifest may be another client's: read unverified").isEqualTo("1");
    }

    @Test
    void aFileNamedChecksumsJsonIsTheWritersOwn() throws IOException {
        DirectoryStorage other = new DirectoryStorage(base.resolve("other"));
        StoredCheckpoint mine = other.store(Map.of("steps_completed", 1), staged -> {
            Files.writeString(staged.resolve("checksums.json"), "{}");
            Files.createDirectory(staged.resolve("sub"));
            Files.writeString(staged.resolve("sub/checksums.json"), "{}");
        });
        assertThat(mine.resources()).containsOnlyKeys("checksums.json", "sub/", "sub/checksums.json", "metadata.json");
        byte[] manifest = Files.readAllBytes(other.base().resolve(".checksums").resolve(mine.uuid() + ".json"));
        assertThat(CheckpointManifest.parse(mine.uuid(), "m", manifest).files())
                .containsOnlyKeys("checksums.json", "sub/checksums.json");

        Files.writeString(other.base().resolve(mine.uuid()).resolve("checksums.json"), "[]");
        assertThatThrownBy(() -> other.restore(mine.uuid(), c -> "read"))
                .isInstanceOfSatisfying(CorruptCheckpointException.class,
                        e -> assertThat(e.file()).isEqualTo("checksums.json"));
    }

    @Test
    void aFailedStoreLeavesNoManifest() throws IOException {
        String b = "22222222-2222-4222-8222-222222222222";
        DirectoryStorage other = new DirectoryStorage(base.resolve("other"),
                DirectoryStorage.Options.defaults().withUuids(uuids(b)));
        Path foreign = other.base().resolve(b);
        // another writer takes the uuid while ours is staged: the rename fails after the manifest was written
        assertThatThrownBy(() -> other.store(Map.of("steps_completed", 1), staged -> {
            Files.writeString(staged.resolve("state"), "ours");
            Files.createDirectory(foreign);
            Files.writeString(foreign.resolve("theirs"), "theirs");
        })).isInstanceOf(IOException.class);

        assertThat(contents(other.base())).containsExactly(".checksums/", ".staging/", b + "/", b + "/theirs");
    }

    @Test
    void deleteRemovesTheManifestAfterTheCheckpoint() throws IOException {
        storage.delete(A);
        assertThat(dir).doesNotExist();
        assertThat(sidecar).doesNotExist();
    }

    private void assertCorrupt(String file, String problem) {
        assertCorrupt(file, problem, Verification.IF_PRESENT);
    }

    private void assertCorrupt(String file, String problem, Verification verification) {
        AtomicBoolean read = new AtomicBoolean();
        assertThatThrownBy(() -> storage.restore(A, c -> read.getAndSet(true), verification))
                .isInstanceOfSatisfying(CorruptCheckpointException.class, e -> {
                    assertThat(e.uuid()).isEqualTo(A);
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.problem()).startsWith(problem);
                    assertThat(e).hasMessageStartingWith("checkpoint " + A + " is corrupt: " + file + ": " + problem);
                });
        assertThat(read).as("the reader must not see a corrupt checkpoint").isFalse();
    }
}
