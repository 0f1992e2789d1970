package dev.determinedbatch.bench;

import dev.determinedbatch.batch.support.TrainingCheckpoints;
import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.Verification;
import dev.determinedbatch.storage.fs.DirectoryStorage;
import dev.determinedbatch.testsupport.Trees;
import dev.determinedbatch.training.DigitsDataset;
import dev.determinedbatch.training.TrainingState;
import dev.determinedbatch.training.TrainingStateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * P6: restoring a 100 MB checkpoint (reading it, verifying it against its checksum manifest,
 * loading the training state into memory) over a plain read of the same files into memory; warm
 * page cache (both read once before the rounds); the two alternate, median of the rounds.
 */
final class RestoreFigure implements Figure {

    static final double GOAL = 1.5;
    static final int MEGABYTES = 100;

    @Override
    public String name() {
        return "P6";
    }

    @Override
    public List<BenchmarkRow> run(BenchmarkOptions options) throws Exception {
        int rounds = options.pick(7, 2);
        Path work = Files.createDirectories(options.work().resolve("p6"));
        try {
            TrainingState state = StateSizes.run(MEGABYTES, DigitsDataset.loadBundled().split()).state();
            DirectoryStorage storage = new DirectoryStorage(work.resolve("checkpoints"));
            StoredCheckpoint stored = StateSizes.store(storage, state);
            Path dir = storage.base().resolve(stored.uuid());
            List<Path> files = stored.resources().keySet().stream().filter(name -> !name.endsWith("/"))
                    .map(dir::resolve).toList();
            long bytes = PlainFiles.readAll(files);
            restore(storage, stored.uuid(), state.stepsCompleted()); // warms the cache and the code
            double[] ours = new double[rounds];
            double[] verifyOnly = new double[rounds];
            double[] plain = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                restore(storage, stored.uuid(), state.stepsCompleted());
                ours[round] = Samples.secondsSince(start);
                start = System.nanoTime();
                PlainFiles.readAll(files);
                plain[round] = Samples.secondsSince(start);
                // what bounds it: the same restore with a reader that loads nothing (read and check only)
                start = System.nanoTime();
                storage.restore(stored.uuid(), checkpoint -> Boolean.TRUE, Verification.REQUIRED);
                verifyOnly[round] = Samples.secondsSince(start);
            }
            double oursMedian = Samples.median(ours);
            double plainMedian = Samples.median(plain);
            System.out.printf("P6 restore %d MB: ours %s s, plain read %s s%n", MEGABYTES,
                    CheckpointWriteFigure.seconds(ours), CheckpointWriteFigure.seconds(plain));
            double mib = StateSizes.mebibytes(bytes);
            return List.of(BenchmarkRow.atMost("P6", StateSizes.label(MEGABYTES), oursMedian / plainMedian, GOAL,
                    String.format(Locale.ROOT, "restore %.0f ms = %.0f MB/s (of it verifying alone %.0f ms), plain read"
                                    + " %.0f ms = %.0f MB/s, median of %d", oursMedian * 1e3, mib / oursMedian,
                            Samples.median(verifyOnly) * 1e3, plainMedian * 1e3, mib / plainMedian, rounds)));
        } finally {
            Trees.delete(work);
        }
    }

    private static void restore(CheckpointStorage storage, String uuid, long steps) throws Exception {
        // as the job restores: each state file read once, checked against the manifest as it is read
        TrainingState restored = storage.restore(uuid, TrainingCheckpoints.stateReader(), Verification.REQUIRED);
        if (restored.stepsCompleted() != steps) {
            throw new IllegalStateException("restored " + restored.stepsCompleted() + " steps, stored " + steps);
        }
    }
}
