package dev.determinedbatch.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.storage.CheckpointFile;
import dev.determinedbatch.storage.CheckpointManifest;
import dev.determinedbatch.storage.FileChecksum;
import dev.determinedbatch.storage.StoreObserver;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.Verification;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint stored from files given by name: written several at a time, each checksummed as
 * its bytes pass, one sync per file and per directory, in the order that makes a published
 * checkpoint whole after any crash.
 */
class StreamedStoreTests {

    private static final String UUID = "6a4b2a5e-0c2f-4c59-9d55-8d1f1e3c2b10";

    @TempDir
    Path base;

    @Test
    void filesAreSyncedOnceBeforeTheirDirectoryWhichIsSyncedBeforeTheRenameAndTheBaseBeforeTheCheckpointIsHandedOut()
            throws IOException {
        List<String> events = new CopyOnWriteArrayList<>();
        Path target = base.resolve(UUID);
        FileSync recording = new FileSync() {
            @Override
            public void file(Path file, FileChannel channel) throws IOException {
                events.add("file " + name(file));
                FileSync.FORCE.file(file, channel);
            }

            @Override
            public void directory(Path directory) throws IOException {
                events.add("dir " + name(directory) + (Files.exists(target, LinkOption.NOFOLLOW_LINKS) ? " (renamed)" : ""));
                FileSync.FORCE.directory(directory);
            }
        };
        StoreObserver phases = (uuid, phase) -> events.add("phase " + phase
                + (Files.exists(target, LinkOption.NOFOLLOW_LINKS) ? " (renamed)" : ""));
        DirectoryStorage storage = new DirectoryStorage(base, DirectoryStorage.Options.defaults()
                .withUuids(StorageFiles.uuids(UUID)).withSync(recording).withObserver(phases));

        storage.store(Map.of("steps_completed", 3), files("a.bin", "b.bin", "sub/c.bin"));

        String staged = "staging " + UUID;
        assertThat(events.subList(0, 4)).as("the caller's files and metadata.json, written side by side, in any order")
                .containsExactlyInAnyOrder("file " + staged + "/a.bin", "file " + staged + "/b.bin",
                        "file " + staged + "/sub/c.bin", "file " + staged + "/metadata.json");
        assertThat(events.subList(4, events.size())).containsExactly(
                "phase FILES_STAGED",
                "dir " + staged + "/sub",
                "dir " + staged,
                "file base/.checksums/" + UUID + ".json",
                "dir base/.checksums",
                "dir base", // .checksums is new, made for this checkpoint: its entry in base is synced too
                "phase MANIFEST_WRITTEN",
                "dir base (renamed)",
                "phase PUBLISHED (renamed)");
    }

    @Test
    void aSecondCheckpointSyncsEachFileAndDirectoryExactlyOnce() throws IOException {
        DirectoryStorage first = new DirectoryStorage(base);
        first.store(Map.of("steps_completed", 1), files("w.bin"));
        List<String> events = new CopyOnWriteArrayList<>();
        FileSync counting = new FileSync() {
            @Override
            public void file(Path file, FileChannel channel) {
                events.add(file.toString());
            }

            @Override
            public void directory(Path directory) {
                events.add(directory.toString());
            }
        };
        DirectoryStorage storage = new DirectoryStorage(base, DirectoryStorage.Options.defaults()
                .withUuids(StorageFiles.uuids(UUID)).withSync(counting));

        storage.store(Map.of("steps_completed", 2), files("a.bin", "b.bin"));

        // two files, metadata.json and the manifest; the checkpoint's directory, .checksums and the base
        assertThat(events).doesNotHaveDuplicates().hasSize(7);
        assertThat(events).contains(base.resolve(".checksums").toString(), base.toString());
    }

    @Test
    void theManifestHoldsTheChecksumsTakenAsTheBytesWereWrittenAndTheCheckpointReadsBackVerified() throws IOException {
        DirectoryStorage storage = new DirectoryStorage(base, DirectoryStorage.Options.defaults()
                .withUuids(StorageFiles.uuids(UUID)));
        Map<String, CheckpointFile> files = new LinkedHashMap<>();
        byte[] large = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(5).nextBytes(large);
        files.put("large.bin", out -> writeInPieces(out, large));
        files.put("sub/deeper/small.json", out -> out.write(ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8))));

        StoredCheckpoint stored = storage.store(Map.of("steps_completed", 7), files);

        CheckpointManifest manifest = CheckpointManifest.parse(UUID, "manifest",
                Files.readAllBytes(base.resolve(".checksums").resolve(UUID + ".json")));
        assertThat(manifest.files()).containsOnlyKeys("large.bin", "sub/deeper/small.json");
        assertThat(manifest.files().get("large.bin")).isEqualTo(FileChecksum.of(base.resolve(UUID).resolve("large.bin")));
        assertThat(stored.resources()).isEqualTo(storage.find(UUID).orElseThrow().resources())
                .containsEntry("large.bin", (long) large.length).containsEntry("sub/", 0L).containsEntry("sub/deeper/", 0L);
        byte[] read = storage.restore(UUID, c -> Files.readAllBytes(c.resolve("large.bin")), Verification.REQUIRED);
        assertThat(read).isEqualTo(large);
    }

    @Test
    void filesAreWrittenSeveralAtATimeAtMostTheParallelismAllows() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch fourStarted = new CountDownLatch(4);
        Map<String, CheckpointFile> files = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            files.put("f" + i + ".bin", out -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                fourStarted.countDown();
                try {
                    // each waits for four to run at once: only parallel writes get past this
                    assertThat(fourStarted.await(60, TimeUnit.SECONDS)).as("four files written at once").isTrue();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                out.write(ByteBuffer.wrap(new byte[] {1}));
                running.decrementAndGet();
            });
        }
        DirectoryStorage storage = new DirectoryStorage(base, DirectoryStorage.Options.defaults().withParallelFiles(4));

        StoredCheckpoint stored = storage.store(Map.of("steps_completed", 1), files);

        assertThat(most.get()).isEqualTo(4);
        assertThat(stored.resources()).hasSize(7);
    }

    @Test
    void aFileThatFailsFailsTheStoreAfterEveryWriteEndedAndLeavesNothingBehind() throws IOException {
        CountDownLatch othersDone = new CountDownLatch(2);
        Map<String, CheckpointFile> files = new LinkedHashMap<>();
        files.put("bad.bin", out -> {
            out.write(ByteBuffer.wrap(new byte[] {1}));
            throw new IOException("disk full");
        });
        files.put("good1.bin", out -> {
            out.write(ByteBuffer.wrap(new byte[] {2}));
            othersDone.countDown();
        });
        files.put("good2.bin", out -> {
            out.write(ByteBuffer.wrap(new byte[] {3}));
            othersDone.countDown();
        });
        DirectoryStorage storage = new DirectoryStorage(base, DirectoryStorage.Options.defaults()
                .withUuids(StorageFiles.uuids(UUID)));

        assertThatThrownBy(() -> storage.store(Map.of("steps_completed", 1), files))
                .isInstanceOf(IOException.class).hasMessage("disk full");

        assertThat(othersDone.getCount()).isZero();
        assertThat(StorageFiles.contents(base)).containsExactly(".staging/");
    }

    @Test
    void metadataThatCannotBeSyncedFailsTheStoreAfterTheFilesBesideItEndedAndLeavesNothingBehind() throws IOException {
        CountDownLatch filesDone = new CountDownLatch(2);
        FileSync failingMetadata = new FileSync() {
            @Override
            public void file(Path file, FileChannel channel) throws IOException {
                if (file.getFileName().toString().equals("metadata.json")) {
                    throw new IOException("metadata.json: I/O error");
                }
                FileSync.FORCE.file(file, channel);
                filesDone.countDown();
            }

            @Override
            public void directory(Path directory) throws IOException {
                FileSync.FORCE.directory(directory);
            }
        };
        DirectoryStorage storage = new DirectoryStorage(base, DirectoryStorage.Options.defaults()
                .withUuids(StorageFiles.uuids(UUID)).withSync(failingMetadata));

        assertThatThrownBy(() -> storage.store(Map.of("steps_completed", 1), files("a.bin", "b.bin")))
                .isInstanceOf(IOException.class).hasMessage("metadata.json: I/O error");

        assertThat(filesDone.getCount()).isZero();
        assertThat(StorageFiles.contents(base)).containsExactly(".staging/");
    }

    @Test
    void namesOutsideTheCheckpointOrTheMetadataAreRefusedBeforeAnythingIsWritten() throws IOException {
        DirectoryStorage storage = new DirectoryStorage(base);
        for (String bad : List.of("../escape", "/abs", "a//b", "dir/", "./x", "metadata.json", "a\\b", "")) {
            assertThatThrownBy(() -> storage.store(Map.of("steps_completed", 1), files(bad)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("checkpoint file name '" + bad + "' ");
        }
        assertThatThrownBy(() -> storage.store(Map.of("steps_completed", 1), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a checkpoint needs at least one file");
        assertThat(StorageFiles.contents(base)).isEmpty();
    }

    private static Map<String, CheckpointFile> files(String... names) {
        Map<String, CheckpointFile> files = new LinkedHashMap<>();
        for (String name : names) {
            files.put(name, out -> out.write(ByteBuffer.wrap(name.getBytes(StandardCharsets.UTF_8))));
        }
        return files;
    }

    /** Writes in pieces of odd sizes, as a streaming writer does. */
    private static void writeInPieces(java.nio.channels.WritableByteChannel out, byte[] bytes) throws IOException {
        int piece = 65_537;
        for (int offset = 0; offset < bytes.length; offset += piece) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, Math.min(piece, bytes.length - offset));
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }
    }

    /** A path as the events name it: under the base, with the staging entry shortened to its uuid. */
    private String name(Path path) {
        String relative = base.relativize(path).toString().replace('\\', '/');
        String staging = ".staging/" + UUID + "." + StagingArea.localHostname() + "." + ProcessHandle.current().pid();
        if (relative.startsWith(staging)) {
            return "staging " + UUID + relative.substring(staging.length());
        }
        return relative.isEmpty() ? "base" : "base/" + relative;
    }
}
