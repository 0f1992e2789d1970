package dev.determinedbatch.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.storage.CheckpointDirectory;
import dev.determinedbatch.storage.CheckpointFile;
import dev.determinedbatch.storage.CorruptCheckpointException;
import dev.determinedbatch.storage.StreamingCheckpointReader;
import dev.determinedbatch.storage.Verification;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streaming reader's files are checked as it reads them, once; it never returns with damaged
 * bytes, and what it did not read to the end is checked after it.
 */
class StreamedRestoreTests {

    private static final String UUID = "6a4b2a5e-0c2f-4c59-9d55-8d1f1e3c2b10";
    private static final byte[] STATE = "a state of some bytes, read front to back".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path base;
    DirectoryStorage storage;

    @BeforeEach
    void store() throws IOException {
        storage = new DirectoryStorage(base, DirectoryStorage.Options.defaults().withUuids(StorageFiles.uuids(UUID)));
        Map<String, CheckpointFile> files = new LinkedHashMap<>();
        files.put("state.bin", out -> out.write(ByteBuffer.wrap(STATE)));
        files.put("other.txt", out -> out.write(ByteBuffer.wrap("other".getBytes(StandardCharsets.UTF_8))));
        storage.store(Map.of("steps_completed", 1), files);
    }

    @Test
    void aStreamedFileIsVerifiedAsItIsReadAndTheRestBeforeTheReader() throws IOException {
        AtomicReference<Set<String>> verifiedWhenDone = new AtomicReference<>();

        byte[] read = storage.restore(UUID, StreamingCheckpointReader.of(Set.of("state.bin"), dir -> {
            byte[] bytes = readWhole(dir, "state.bin");
            verifiedWhenDone.set(dir.verifiedOnRead());
            return bytes;
        }), Verification.REQUIRED);

        assertThat(read).isEqualTo(STATE);
        assertThat(verifiedWhenDone.get()).containsExactly("state.bin");
    }

    @Test
    void aDamagedStreamedFileFailsTheReadThatEndsItSoTheReaderNeverReturns() throws IOException {
        flipAByteOf("state.bin");
        List<String> returned = new ArrayList<>();

        assertThatThrownBy(() -> storage.restore(UUID, StreamingCheckpointReader.of(Set.of("state.bin"), dir -> {
            byte[] bytes = readWhole(dir, "state.bin");
            returned.add(new String(bytes, StandardCharsets.UTF_8));
            return bytes;
        }), Verification.REQUIRED)).isInstanceOfSatisfying(CorruptCheckpointException.class, e -> {
            assertThat(e.file()).isEqualTo("state.bin");
            assertThat(e.problem()).startsWith("crc32c mismatch: ");
        });
        assertThat(returned).isEmpty();
    }

    @Test
    void aReaderThatFailsOnDamagedBytesReportsTheDamageWithItsOwnFailureBeside() throws IOException {
        flipAByteOf("state.bin");

        assertThatThrownBy(() -> storage.restore(UUID, StreamingCheckpointReader.of(Set.of("state.bin"), dir -> {
            try (SeekableByteChannel in = dir.open("state.bin")) {
                in.read(ByteBuffer.allocate(4));
            }
            throw new IOException("cannot parse the header");
        }), Verification.REQUIRED)).isInstanceOfSatisfying(CorruptCheckpointException.class, e -> {
            assertThat(e.file()).isEqualTo("state.bin");
            assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("cannot parse the header");
        });
    }

    @Test
    void aStreamedFileTheReaderLeftUnreadIsCheckedAfterIt() throws IOException {
        flipAByteOf("state.bin");

        assertThatThrownBy(() -> storage.restore(UUID, StreamingCheckpointReader.of(Set.of("state.bin"), dir -> "skipped"),
                Verification.REQUIRED)).isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("state.bin");
    }

    @Test
    void aTruncatedStreamedFileOrADamagedOtherOneIsFoundBeforeTheReaderRuns() throws IOException {
        Path other = base.resolve(UUID).resolve("other.txt");
        Files.writeString(other, "OTHER");
        List<String> ran = new ArrayList<>();
        StreamingCheckpointReader<String> reader = StreamingCheckpointReader.of(Set.of("state.bin"), dir -> {
            ran.add("ran");
            return "read";
        });

        assertThatThrownBy(() -> storage.restore(UUID, reader, Verification.REQUIRED))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("other.txt: crc32c mismatch");
        Files.writeString(other, "other");
        Path state = base.resolve(UUID).resolve("state.bin");
        Files.write(state, java.util.Arrays.copyOf(STATE, STATE.length - 1));
        assertThatThrownBy(() -> storage.restore(UUID, reader, Verification.REQUIRED))
                .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("state.bin: size " + (STATE.length - 1));
        assertThat(ran).isEmpty();
    }

    private void flipAByteOf(String name) throws IOException {
        Path file = base.resolve(UUID).resolve(name);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
    }

    private static byte[] readWhole(CheckpointDirectory dir, String name) throws IOException {
        try (SeekableByteChannel in = dir.open(name)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) in.size());
            while (buffer.hasRemaining() && in.read(buffer) >= 0) {
                // whole
            }
            return buffer.array();
        }
    }
}
