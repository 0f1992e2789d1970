package dev.determinedbatch.batch.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.client.CapturedLog;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The background writer, driven by latches: a write runs only when its test lets it, stalls are
 * measured on a clock the test moves, and nothing is timed.
 */
class BackgroundCheckpointWriterTests {

    private static final CheckpointReference RESUMED = ref("00000000-0000-4000-8000-000000000000", 45);
    private static final CheckpointReference AT_90 = ref("00000000-0000-4000-8000-000000000090", 90);
    private static final CheckpointReference AT_180 = ref("00000000-0000-4000-8000-000000000180", 180);
    private static final CheckpointReference AT_270 = ref("00000000-0000-4000-8000-000000000270", 270);

    private final AtomicLong nanos = new AtomicLong();
    private final List<CheckpointReference> madeDurable = new CopyOnWriteArrayList<>();
    private final List<String> snapshots = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final BackgroundCheckpointWriter writer = new BackgroundCheckpointWriter("execution 7", runnable -> {
        Thread t = BackgroundCheckpointWriter.daemonThreads("test-writer").newThread(runnable);
        threads.add(t);
        return t;
    }, nanos::get, RESUMED, madeDurable::add);

    @AfterEach
    void closeQuietly() {
        try {
            writer.close();
        } catch (RuntimeException alreadyAsserted) {
            // a test of failures saw it
        }
    }

    @Test
    void aBoundaryHandsOverAndReturnsWhileTheWriteRunsOnTheInjectedDaemonThread() throws Exception {
        HeldWrite write = new HeldWrite(AT_90);

        writer.handOver("the checkpoint at step 90", snapshot("90", write));

        write.started.await();
        assertThat(writer.writing()).isTrue();
        assertThat(writer.durable()).as("still being written: not referenced").isEqualTo(RESUMED);
        assertThat(threads).singleElement().satisfies(t -> assertThat(t.isDaemon()).isTrue());
        assertThat(write.thread.get()).isSameAs(threads.get(0));
        write.release.countDown();
        writer.close();
        assertThat(writer.durable()).isEqualTo(AT_90);
        assertThat(madeDurable).containsExactly(AT_90);
        assertThat(writer.tally().writes()).isEqualTo(1);
    }

    @Test
    void theNextBoundaryWaitsForTheWriteInFlightCountsTheWaitAsStallAndOnlyThenSnapshots() throws Exception {
        HeldWrite first = new HeldWrite(AT_90);
        HeldWrite second = new HeldWrite(AT_180);
        writer.handOver("the checkpoint at step 90", snapshot("90", first));
        first.started.await();

        Thread boundary = new Thread(() -> writer.handOver("the checkpoint at step 180", snapshot("180", second)));
        boundary.start();
        awaitWaiting(boundary);
        assertThat(snapshots).as("no second snapshot while one write is in flight").containsExactly("90");
        nanos.addAndGet(Duration.ofMillis(700).toNanos());
        first.release.countDown();
        boundary.join();

        assertThat(snapshots).containsExactly("90", "180");
        assertThat(writer.durable()).as("the newest durable: 90, as 180 is held").isEqualTo(AT_90);
        assertThat(writer.tally()).isEqualTo(new BackgroundCheckpointWriter.Tally(2, 1, Duration.ofMillis(700).toNanos()));
        second.release.countDown();
        writer.close();
        assertThat(writer.durable()).isEqualTo(AT_180);
        assertThat(madeDurable).containsExactly(AT_90, AT_180);
    }

    @Test
    void aBoundaryAfterTheWriteIsDoneDoesNotStall() throws Exception {
        HeldWrite first = new HeldWrite(AT_90);
        writer.handOver("the checkpoint at step 90", snapshot("90", first));
        first.release.countDown();
        first.done.await();
        awaitIdle();

        HeldWrite second = new HeldWrite(AT_180);
        second.release.countDown();
        writer.handOver("the checkpoint at step 180", snapshot("180", second));

        assertThat(writer.tally().stalls()).isZero();
        assertThat(writer.tally().writes()).isEqualTo(2);
    }

    @Test
    void writeNowReturnsOnlyOnceItsCheckpointIsDurableAndCountsItsWaitAsStall() throws Exception {
        HeldWrite first = new HeldWrite(AT_90);
        HeldWrite last = new HeldWrite(AT_180);
        writer.handOver("the checkpoint at step 90", snapshot("90", first));
        first.started.await();
        AtomicReference<CheckpointReference> returned = new AtomicReference<>();

        Thread end = new Thread(() -> returned.set(writer.writeNow("the checkpoint at step 180", snapshot("180", last))));
        end.start();
        awaitWaiting(end);
        nanos.addAndGet(300);
        first.release.countDown();
        last.started.await();
        awaitWaiting(end);
        assertThat(returned.get()).as("its own write is still held").isNull();
        nanos.addAndGet(200);
        last.release.countDown();
        end.join();

        assertThat(returned.get()).isEqualTo(AT_180);
        assertThat(writer.durable()).isEqualTo(AT_180);
        assertThat(writer.tally()).isEqualTo(new BackgroundCheckpointWriter.Tally(2, 1, 500));
    }

    @Test
    void aFailedWriteIsLoggedAndFailsTheNextBoundaryWithoutASnapshotAndEveryOneAfter() throws Exception {
        HeldWrite failing = new HeldWrite(new IOException("disk full"));
        try (CapturedLog log = CapturedLog.of(BackgroundCheckpointWriter.class)) {
            writer.handOver("the checkpoint at step 90", snapshot("90", failing));
            failing.release.countDown();
            failing.done.await();
            awaitIdle();
            assertThat(log.warnings()).singleElement().asString().startsWith("SEVERE DETBATCH-0313 execution 7:"
                    + " writing the checkpoint at step 90 in the background failed: java.io.IOException: disk full");
        }

        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> writer.handOver("the checkpoint at step 180", snapshot("180", new HeldWrite(AT_180))))
                    .isInstanceOf(BackgroundCheckpointWriter.WriteFailedException.class)
                    .hasRootCauseMessage("disk full")
                    .hasMessage("execution 7: writing the checkpoint at step 90 failed, so the job fails; its last durable"
                            + " checkpoint is " + RESUMED + ": java.io.IOException: disk full");
        }
        assertThatThrownBy(() -> writer.writeNow("the checkpoint at step 270", snapshot("270", new HeldWrite(AT_270))))
                .isInstanceOf(BackgroundCheckpointWriter.WriteFailedException.class);
        assertThat(snapshots).as("nothing is taken or written after a failure").containsExactly("90");
        assertThat(writer.durable()).isEqualTo(RESUMED);
        assertThat(madeDurable).isEmpty();
        writer.close(); // already thrown at a boundary: not again
    }

    @Test
    void closeWaitsForTheWriteInFlight() throws Exception {
        HeldWrite write = new HeldWrite(AT_90);
        writer.handOver("the checkpoint at step 90", snapshot("90", write));
        write.started.await();

        Thread closing = new Thread(writer::close);
        closing.start();
        awaitWaiting(closing);
        assertThat(writer.durable()).isEqualTo(RESUMED);
        write.release.countDown();
        closing.join();

        assertThat(writer.durable()).isEqualTo(AT_90);
        threads.get(0).join(); // the thread ends: nothing left running
        assertThatThrownBy(() -> writer.handOver("the checkpoint at step 180", snapshot("180", new HeldWrite(AT_180))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void closeThrowsAFailureNoBoundaryHasThrown() throws Exception {
        HeldWrite failing = new HeldWrite(new IllegalStateException("the master refused the report"));
        writer.handOver("the checkpoint at step 90", snapshot("90", failing));
        failing.release.countDown();

        assertThatThrownBy(writer::close).isInstanceOf(BackgroundCheckpointWriter.WriteFailedException.class)
                .hasMessageContaining("writing the checkpoint at step 90 failed")
                .hasRootCauseMessage("the master refused the report");
        writer.close(); // idempotent
    }

    private Supplier<BackgroundCheckpointWriter.Write> snapshot(String name, HeldWrite write) {
        return () -> {
            snapshots.add(name);
            return write;
        };
    }

    /** Until the writer's thread has finished the write it ran (its future completes just after). */
    private void awaitIdle() {
        while (writer.writing()) {
            Thread.onSpinWait();
        }
    }

    /** Until {@code thread} blocks (on the write it waits for, or the writer's lock). */
    private static void awaitWaiting(Thread thread) {
        while (true) {
            Thread.State state = thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || state == Thread.State.BLOCKED) {
                return;
            }
            if (state == Thread.State.TERMINATED) {
                throw new AssertionError(thread + " ended instead of waiting");
            }
            Thread.onSpinWait();
        }
    }

    private static CheckpointReference ref(String uuid, long steps) {
        return new CheckpointReference(uuid, steps);
    }

    /** A write that runs once the test releases it, then returns its reference or throws. */
    private static final class HeldWrite implements BackgroundCheckpointWriter.Write {

        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Thread> thread = new AtomicReference<>();
        private final CheckpointReference result;
        private final Exception failure;

        HeldWrite(CheckpointReference result) {
            this.result = result;
            this.failure = null;
        }

        HeldWrite(Exception failure) {
            this.result = null;
            this.failure = failure;
        }

        @Override
        public CheckpointReference run() throws Exception {
            thread.set(Thread.currentThread());
            started.countDown();
            try {
                release.await();
                if (failure != null) {
                    throw failure;
                }
                return result;
            } finally {
                done.countDown();
            }
        }
    }
}
