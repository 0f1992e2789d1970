package dev.determinedbatch.bench;

import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import dev.determinedbatch.training.DigitsDataset;
import dev.determinedbatch.training.TrainingState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * P2: checkpoint write throughput (the whole state stored as our checkpoint: encoded, written,
 * synced, published) over a plain sequential write-and-sync of as many bytes into one file on the
 * same disk, at 1, 10 and 100 MB; the two alternate, median of the rounds.
 */
final class CheckpointWriteFigure implements Figure {

    static final double GOAL_AT_100MB = 0.8;

    @Override
    public String name() {
        return "P2";
    }

    @Override
    public List<BenchmarkRow> run(BenchmarkOptions options) throws Exception {
        int rounds = options.pick(7, 2);
        DigitsDataset.Split data = DigitsDataset.loadBundled().split();
        return StateSizes.eachSize(options, "p2", (megabytes, work) -> measure(megabytes, rounds, data, work));
    }

    private static BenchmarkRow measure(int megabytes, int rounds, DigitsDataset.Split data, Path work)
            throws Exception {
        TrainingState state = StateSizes.run(megabytes, data).state();
        CheckpointStorage storage = FileSystemStorages.open(work.resolve("checkpoints").toString());
        StoredCheckpoint first = StateSizes.store(storage, state); // warm-up, and the size of the bytes
        long bytes = StateSizes.bytes(first);
        storage.delete(first.uuid());
        byte[] plainBytes = PlainFiles.randomBytes(bytes, megabytes);
        double[] ours = new double[rounds];
        double[] plain = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            StoredCheckpoint stored = StateSizes.store(storage, state);
            ours[round] = Samples.secondsSince(start);
            storage.delete(stored.uuid());

            Path file = work.resolve("plain-" + round);
            plain[round] = PlainFiles.writeAndSync(file, plainBytes);
            Files.delete(file);
        }
        double oursSeconds = Samples.median(ours);
        double plainSeconds = Samples.median(plain);
        double mib = StateSizes.mebibytes(bytes);
        String beside = String.format(Locale.ROOT, "ours %.0f MB/s, plain write+fsync %.0f MB/s, %.1f MB, median of %d",
                mib / oursSeconds, mib / plainSeconds, mib, rounds);
        System.out.printf("P2 %d MB: ours %s s, plain %s s%n", megabytes, seconds(ours), seconds(plain));
        double ratio = plainSeconds / oursSeconds;
        String size = StateSizes.label(megabytes);
        return megabytes == 100 ? BenchmarkRow.atLeast("P2", size, ratio, GOAL_AT_100MB, beside)
                : BenchmarkRow.info("P2", size, ratio, beside);
    }

    static String seconds(double[] values) {
        StringBuilder out = new StringBuilder();
        for (double v : values) {
            out.append(out.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.4f", v));
        }
        return out.toString();
    }
}
