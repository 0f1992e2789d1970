package dev.determinedbatch.storage.fs;

import dev.determinedbatch.storage.StoredCheckpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static dev.determinedbatch.storage.fs.StorageFiles.contents;
import static org.assertj.core.api.Assertions.assertThat;

/** What a crashed writer leaves behind, and how a later session clears it. */
class StagingCleanUpTests {

    private static final String HOST = "testhost";
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final long LIVE_PID = ProcessHandle.current().pid();

    @TempDir
    Path base;

    private DirectoryStorage storage;
    private Path staging;

    @BeforeEach
    void open() throws IOException {
        storage = new DirectoryStorage(base, DirectoryStorage.Options.defaults()
                .withHostname(HOST)
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .withStaleAfter(Duration.ofHours(24)));
        staging = Files.createDirectories(base.resolve(".staging"));
    }

    /** The pid of a process that has ended: as after a crash. */
    private static long deadPid() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process process = new ProcessBuilder(java, "-version")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        process.waitFor();
        assertThat(process.isAlive()).isFalse();
        return process.pid();
    }

    /** A staging directory as a writer leaves it: files and a finished metadata.json. */
    private Path leftover(String uuid, String host, long pid, Duration age) throws IOException {
        Path dir = Files.createDirectories(staging.resolve(uuid + "." + host + "." + pid));
        Files.writeString(dir.resolve("state"), "partial");
        Files.writeString(dir.resolve("metadata.json"), "{\"steps_completed\": 5}");
        Files.setLastModifiedTime(dir, FileTime.from(NOW.minus(age)));
        return dir;
    }

    @Test
    void leftoversOfDeadWritersOnThisHostGoAndLiveOnesStay() throws Exception {
        Path dead = leftover("11111111-1111-4111-8111-111111111111", HOST, deadPid(), Duration.ofMinutes(1));
        Path neverExisted = leftover("22222222-2222-4222-8222-222222222222", HOST, Integer.MAX_VALUE, Duration.ZERO);
        Path live = leftover("33333333-3333-4333-8333-333333333333", HOST, LIVE_PID, Duration.ofDays(30));

        assertThat(storage.list()).isEmpty();
        assertThat(storage.cleanUp()).isEqualTo(2);

        assertThat(dead).doesNotExist();
        assertThat(neverExisted).doesNotExist();
        assertThat(live).isDirectory();
        assertThat(storage.cleanUp()).isZero();
    }

    @Test
    void leftoversOfOtherHostsGoOnlyPastTheAgeLimit() throws IOException {
        Path old = leftover("44444444-4444-4444-8444-444444444444", "otherhost", 1, Duration.ofHours(25));
        Path recent = leftover("55555555-5555-4555-8555-555555555555", "otherhost", 1, Duration.ofHours(23));
        Path oldJunk = Files.createDirectories(staging.resolve("not-ours"));
        Files.setLastModifiedTime(oldJunk, FileTime.from(NOW.minus(Duration.ofDays(2))));

        assertThat(storage.cleanUp()).isEqualTo(2);

        assertThat(old).doesNotExist();
        assertThat(oldJunk).doesNotExist();
        assertThat(recent).isDirectory();
    }

    @Test
    void cleanUpDuringAStoreOfThisProcessKeepsItsWork() throws IOException {
        StoredCheckpoint stored = storage.store(Map.of("steps_completed", 3), dir -> {
            Files.writeString(dir.resolve("state"), "3");
            assertThat(storage.cleanUp()).isZero();
        });

        assertThat(storage.list()).containsExactly(stored);
        assertThat(contents(staging)).isEmpty();
    }

    @Test
    void nothingToCleanWithoutAStagingArea() throws IOException {
        Files.delete(staging);
        assertThat(storage.cleanUp()).isZero();
    }

    @Test
    void aCrashMidDeleteLeavesNoCheckpointBehind() throws Exception {
        // what delete() leaves when it dies after moving the checkpoint aside
        String uuid = "66666666-6666-4666-8666-666666666666";
        leftover(uuid, HOST, deadPid(), Duration.ZERO);
        manifest(uuid, Duration.ZERO);

        assertThat(storage.find(uuid)).isEmpty();
        assertThat(storage.cleanUp()).isEqualTo(2);
        assertThat(contents(base)).containsExactly(".checksums/", ".staging/");
    }

    /** A checksum manifest in {@code .checksums}, as a store writes it before its rename. */
    private Path manifest(String uuid, Duration age) throws IOException {
        Path file = Files.createDirectories(base.resolve(".checksums")).resolve(uuid + ".json");
        Files.writeString(file, "{\"algorithm\": \"crc32c\", \"files\": {}}");
        Files.setLastModifiedTime(file, FileTime.from(NOW.minus(age)));
        return file;
    }

    @Test
    void manifestsWithoutCheckpointOrWriterGoAndTheOthersStay() throws Exception {
        // a checkpoint in place keeps its manifest, however old
        StoredCheckpoint stored = storage.store(Map.of("steps_completed", 3), dir -> Files.writeString(dir.resolve("state"), "3"));
        Path published = base.resolve(".checksums").resolve(stored.uuid() + ".json");
        Files.setLastModifiedTime(published, FileTime.from(NOW.minus(Duration.ofDays(30))));
        // a store that died between its manifest and its rename, on this host: both go at once
        String crashed = "77777777-7777-4777-8777-777777777777";
        Path crashedStaging = leftover(crashed, HOST, deadPid(), Duration.ZERO);
        Path crashedManifest = manifest(crashed, Duration.ZERO);
        // a store under way (its process lives): its manifest stays, however old
        String writing = "88888888-8888-4888-8888-888888888888";
        Path writingStaging = leftover(writing, HOST, LIVE_PID, Duration.ofDays(30));
        Path writingManifest = manifest(writing, Duration.ofDays(30));
        // neither checkpoint nor staging entry: goes past the age limit only
        Path old = manifest("99999999-9999-4999-8999-999999999999", Duration.ofHours(25));
        Path recent = manifest("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", Duration.ofHours(23));
        Path notOurs = Files.writeString(base.resolve(".checksums").resolve("notes.txt"), "keep");
        Files.setLastModifiedTime(notOurs, FileTime.from(NOW.minus(Duration.ofDays(30))));

        assertThat(storage.cleanUp()).isEqualTo(3);

        assertThat(crashedStaging).doesNotExist();
        assertThat(crashedManifest).doesNotExist();
        assertThat(old).doesNotExist();
        assertThat(published).isRegularFile();
        assertThat(writingStaging).isDirectory();
        assertThat(writingManifest).isRegularFile();
        assertThat(recent).isRegularFile();
        assertThat(notOurs).isRegularFile();
        assertThat(storage.list()).containsExactly(stored);
        String state = storage.restore(stored.uuid(), c -> Files.readString(c.resolve("state")),
                dev.determinedbatch.storage.Verification.REQUIRED);
        assertThat(state).isEqualTo("3");
        assertThat(storage.cleanUp()).isZero();
    }

    @Test
    void aManifestOfAnotherHostsAbandonedStoreGoesWithItsStagingEntry() throws IOException {
        String uuid = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
        Path staged = leftover(uuid, "otherhost", 1, Duration.ofHours(25));
        Path manifest = manifest(uuid, Duration.ofHours(1));

        assertThat(storage.cleanUp()).isEqualTo(2);
        assertThat(staged).doesNotExist();
        assertThat(manifest).doesNotExist();
    }

    @Test
    void nothingToCleanWithoutAChecksumsDirectory() throws IOException {
        assertThat(storage.cleanUp()).isZero();
        assertThat(contents(base)).containsExactly(".staging/");
    }
}
