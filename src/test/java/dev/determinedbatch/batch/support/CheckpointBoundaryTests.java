package dev.determinedbatch.batch.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.storage.StoreObserver;
import dev.determinedbatch.storage.fs.DirectoryStorage;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import dev.determinedbatch.training.TrainingState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's chunk boundary on a real training and real storage: the snapshot holds the state of
 * its boundary whatever training does next, the reference moves only to durable checkpoints, and
 * the last chunk and a stop are written before the boundary returns.
 */
class CheckpointBoundaryTests {

    private static final Map<String, String> SMALL = Map.of("epochs", "1", "hiddenUnits", "8", "reportEverySteps", "4");

    @TempDir
    Path dir;

    @Test
    void aSnapshotHoldsTheStateOfItsBoundaryWhateverTrainingDoesNext() throws IOException {
        try (LocalTraining local = LocalTraining.open(dir, SMALL)) {
            ActiveTraining training = local.training();
            local.train(10);
            TrainingState atBoundary = training.run().state();
            TrainingCheckpoints.Snapshot snapshot = TrainingCheckpoints.snapshot(training);
            local.train(7); // changes the live weights, momentum, generator and position

            String uuid = snapshot.store(training.session().checkpoints()).uuid();

            TrainingCheckpoints.Restored restored = TrainingCheckpoints.restore(training.session().checkpoints(), uuid,
                    training.parameters().trial());
            assertThat(restored.state().stepsCompleted()).isEqualTo(10);
            assertThat(restored.state().model()).isEqualTo(atBoundary.model());
            assertThat(restored.state().optimizer()).isEqualTo(atBoundary.optimizer());
            assertThat(restored.state().rngState()).isEqualTo(atBoundary.rngState());
            assertThat(restored.state().permutation()).isEqualTo(atBoundary.permutation());
            assertThat(restored.metadata().modelSha256()).isEqualTo(atBoundary.modelSha256())
                    .isNotEqualTo(training.run().modelSha256());
            assertThat(restored.pendingMetrics()).extracting(s -> s.step()).containsExactly(9L, 10L);
        }
    }

    @Test
    void trainingGoesOnWhileACheckpointIsWrittenAndTheReferenceIsAlwaysTheNewestDurable() throws Exception {
        HeldStores held = new HeldStores();
        try (LocalTraining local = LocalTraining.open(FileSystemStorages.open(dir.resolve("checkpoints").toString(),
                DirectoryStorage.Options.defaults().withObserver(held)), dir.resolve("metrics.jsonl"), SMALL)) {
            ActiveTraining training = local.training();
            local.train(10);
            CheckpointBoundary.reached(training, false);
            held.reached.acquire();
            local.train(10); // while step 10's checkpoint is held in its write
            assertThat(training.lastCheckpoint()).as("step 10's is not durable yet").isNull();

            Thread boundary = new Thread(() -> CheckpointBoundary.reached(training, false));
            boundary.start();
            held.release.countDown(); // 10's completes; 20's is handed over and held in turn
            boundary.join();
            held.reached.acquire();
            assertThat(training.lastCheckpoint()).as("at boundary 20, the reference is 10's").isNotNull()
                    .extracting(CheckpointReference::stepsCompleted).isEqualTo(10L);
            assertThat(training.session().checkpoints().storage().find(training.lastCheckpoint().uuid())).isPresent();

            held.release.countDown();
            training.closeCheckpointWriter();
            assertThat(training.lastCheckpoint().stepsCompleted()).isEqualTo(20);
            assertThat(held.stored).hasSize(2);
        }
    }

    @Test
    void theLastChunkAndAStopAreDurableWhenTheBoundaryReturns() throws IOException {
        try (LocalTraining local = LocalTraining.open(dir, SMALL)) {
            ActiveTraining training = local.training();
            local.train(5);
            CheckpointBoundary.reached(training, false);
            local.train(5);

            CheckpointBoundary.reached(training, true);
            assertThat(training.lastCheckpoint().stepsCompleted()).as("a stop's checkpoint").isEqualTo(10);
            assertThat(training.session().checkpoints().storage().find(training.lastCheckpoint().uuid())).isPresent();

            local.train(Integer.MAX_VALUE);
            CheckpointBoundary.reached(training, false);
            long total = training.run().totalSteps();
            assertThat(training.lastCheckpoint().stepsCompleted()).as("the final checkpoint").isEqualTo(total);
            assertThat(training.checkpointWriter().writing()).isFalse();
            assertThat(training.session().checkpoints().list()).extracting(c -> c.stepsCompleted())
                    .containsExactly(5L, 10L, total);
        }
    }

    @Test
    void aWriteThatFailsIsNeverReferencedAndFailsTheNextBoundary() throws IOException {
        StoreObserver failing = (uuid, phase) -> {
            if (phase == StoreObserver.Phase.MANIFEST_WRITTEN) {
                throw new IOException("no space left on device");
            }
        };
        try (LocalTraining local = LocalTraining.open(FileSystemStorages.open(dir.resolve("checkpoints").toString(),
                DirectoryStorage.Options.defaults().withObserver(failing)), dir.resolve("metrics.jsonl"), SMALL)) {
            ActiveTraining training = local.training();
            local.train(5);
            CheckpointBoundary.reached(training, false);
            local.train(5);

            assertThatThrownBy(() -> CheckpointBoundary.reached(training, false))
                    .isInstanceOf(BackgroundCheckpointWriter.WriteFailedException.class)
                    .hasMessageContaining("writing the checkpoint at step 5 failed")
                    .hasRootCauseMessage("no space left on device");
            assertThat(training.lastCheckpoint()).isNull();
            assertThat(training.session().checkpoints().list()).isEmpty();
            Path events = dir.resolve("metrics.jsonl");
            String reported = java.nio.file.Files.exists(events) ? java.nio.file.Files.readString(events) : "";
            assertThat(reported).as("no checkpoint reported").doesNotContain("\"event\": \"checkpoint\"")
                    .doesNotContain("\"event\":\"checkpoint\"");
        }
    }

    @Test
    void closingTheWriterWaitsForTheWriteInFlightAndSaysOneWasRunning() throws Exception {
        HeldStores held = new HeldStores();
        try (LocalTraining local = LocalTraining.open(FileSystemStorages.open(dir.resolve("checkpoints").toString(),
                DirectoryStorage.Options.defaults().withObserver(held)), dir.resolve("metrics.jsonl"), SMALL)) {
            ActiveTraining training = local.training();
            local.train(5);
            CheckpointBoundary.reached(training, false);
            held.reached.acquire();
            java.util.concurrent.atomic.AtomicBoolean wasWriting = new java.util.concurrent.atomic.AtomicBoolean();

            Thread closing = new Thread(() -> wasWriting.set(training.closeCheckpointWriter()));
            closing.start();
            while (closing.getState() != Thread.State.WAITING) { // blocked on the held write
                assertThat(closing.getState()).isNotEqualTo(Thread.State.TERMINATED);
                Thread.onSpinWait();
            }
            held.release.countDown();
            closing.join();

            assertThat(wasWriting).isTrue();
            assertThat(training.lastCheckpoint().stepsCompleted()).isEqualTo(5);
            assertThat(training.closeCheckpointWriter()).as("nothing left to close").isFalse();
        }
    }

    /** Holds each store once it has made its checkpoint durable, until the test releases it. */
    private static final class HeldStores implements StoreObserver {

        final Semaphore reached = new Semaphore(0);
        volatile CountDownLatch release = new CountDownLatch(1);
        final List<String> stored = new CopyOnWriteArrayList<>();

        @Override
        public void reached(String uuid, Phase phase) throws IOException {
            if (phase != Phase.PUBLISHED) {
                return;
            }
            CountDownLatch mine = release;
            reached.release();
            try {
                mine.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            release = new CountDownLatch(1);
            stored.add(uuid);
        }
    }
}
