package dev.determinedbatch.bench;

import dev.determinedbatch.batch.support.TrainingCheckpoints;
import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.training.DigitsDataset;
import dev.determinedbatch.training.TrainingParameters;
import dev.determinedbatch.training.TrainingRun;
import dev.determinedbatch.training.TrainingState;
import dev.determinedbatch.training.TrainingStateFiles;
import dev.determinedbatch.testsupport.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Training states of 1, 10 and 100 MB: the sample model with a hidden layer wide enough, one step
 * trained (so the momentum is not zero), stored through the job's own code path (the storage and
 * {@link TrainingStateFiles}). A MB here is 2^20 bytes of weights plus momentum.
 */
final class StateSizes {

    static final List<Integer> MEGABYTES = List.of(1, 10, 100);

    private static final int FEATURES = 64;
    private static final int CLASSES = 10;

    private StateSizes() {
    }

    /** The hidden units whose weights and momentum (float32) come closest to {@code megabytes}. */
    static int hiddenUnitsFor(int megabytes) {
        // per hidden unit: 64 weights in, a bias, 10 weights out; twice (momentum); 4 bytes each
        long perUnit = 2L * 4 * (FEATURES + 1 + CLASSES);
        return (int) Math.max(1, Math.round((megabytes * (double) (1 << 20)) / perUnit));
    }

    /** Measures one state size in a work directory of its own, removed afterwards. */
    @FunctionalInterface
    interface SizeMeasure {

        BenchmarkRow measure(int megabytes, Path work) throws Exception;
    }

    /** One row per size of {@link #MEGABYTES}, each measured in a fresh {@code <work>/<directory>}. */
    static List<BenchmarkRow> eachSize(BenchmarkOptions options, String directory, SizeMeasure measure)
            throws Exception {
        List<BenchmarkRow> rows = new ArrayList<>();
        for (int megabytes : MEGABYTES) {
            Path work = Files.createDirectories(options.work().resolve(directory));
            try {
                rows.add(measure.measure(megabytes, work));
            } finally {
                Trees.delete(work);
            }
        }
        return rows;
    }

    static String label(int megabytes) {
        return megabytes + "MB";
    }

    /** A run of the sample model with a state of about {@code megabytes}, one step trained. */
    static TrainingRun run(int megabytes, DigitsDataset.Split data) {
        TrainingParameters defaults = TrainingParameters.defaults();
        TrainingParameters parameters = new TrainingParameters(defaults.seed(), 1, defaults.batchSize(),
                defaults.learningRate(), defaults.momentum(), hiddenUnitsFor(megabytes));
        TrainingRun run = TrainingRun.start(parameters, data);
        run.step();
        return run;
    }

    /** Our checkpoint of {@code state}: what the job's writer stores, without the master's report. */
    static StoredCheckpoint store(CheckpointStorage storage, TrainingState state) throws IOException {
        return storage.store(Map.of(StoredCheckpoint.STEPS_COMPLETED, state.stepsCompleted()),
                TrainingCheckpoints.files(state, "[]"));
    }

    /** Bytes of the checkpoint's files (the state files and metadata.json). */
    static long bytes(StoredCheckpoint checkpoint) {
        return checkpoint.resources().values().stream().mapToLong(Long::longValue).sum();
    }

    static double mebibytes(long bytes) {
        return bytes / (double) (1 << 20);
    }
}
