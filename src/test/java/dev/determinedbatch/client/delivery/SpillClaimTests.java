package dev.determinedbatch.client.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One holder per spill file at a time, in this JVM and between processes; the lock file lives only while held. */
class SpillClaimTests {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aHeldFileCannotBeClaimedAgainUntilItIsLetGoAndThenNoLockFileIsLeft() throws IOException {
        Path spill = dir.resolve("master-c-trial-1.jsonl");
        try (SpillClaim held = SpillClaim.tryClaim(spill).orElseThrow()) {
            assertThat(SpillClaim.lockFileOf(spill)).exists();
            assertThat(SpillClaim.tryClaim(spill)).isEmpty();
            assertThat(SpillClaim.tryClaim(dir.resolve("master-c-trial-2.jsonl"))).hasValueSatisfying(SpillClaim::close);
        }
        assertThat(SpillClaim.lockFileOf(spill)).doesNotExist();
        SpillClaim.tryClaim(spill).orElseThrow().close();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aLockFileLeftByADeadProcessIsTakenOver() throws IOException {
        Path spill = dir.resolve("master-c-trial-1.jsonl");
        Files.writeString(SpillClaim.lockFileOf(spill), "4242 since 2026-11-29T13:38:34Z 1f0c");
        Optional<SpillClaim> claim = SpillClaim.tryClaim(spill);
        assertThat(claim).isPresent();
        claim.get().close();
        assertThat(SpillClaim.lockFileOf(spill)).doesNotExist();
    }

    @Test
    void aFileLockedOutsideThisClaimRegistryIsNotClaimed() throws IOException {
        Path spill = dir.resolve("master-c-trial-1.jsonl");
        // as another process holding it: the OS lock alone refuses
        try (FileChannel other = FileChannel.open(SpillClaim.lockFileOf(spill), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = other.lock()) {
            assertThat(SpillClaim.tryClaim(spill)).isEmpty();
        }
        SpillClaim.tryClaim(spill).orElseThrow().close();
    }

    @Test
    void aWaitingClaimMakesTheHolderContendedAndGetsTheFileOnceItIsLetGo() throws Exception {
        Path spill = dir.resolve("master-c-trial-1.jsonl");
        SpillClaim holder = SpillClaim.tryClaim(spill).orElseThrow();
        assertThat(holder.contended()).isFalse();
        Future<SpillClaim> waiting = threads.submit(() -> SpillClaim.claim(spill, PATIENCE));
        assertThat(SpillClaim.awaitWaiter(spill, PATIENCE)).isTrue();
        assertThat(holder.contended()).isTrue();
        assertThat(waiting).isNotDone();
        holder.close();
        try (SpillClaim next = waiting.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            assertThat(next.contended()).isFalse();
            assertThat(SpillClaim.lockFileOf(spill)).exists();
            assertThat(SpillClaim.tryClaim(spill)).isEmpty();
        }
        assertThat(SpillClaim.lockFileOf(spill)).doesNotExist();
    }
}
