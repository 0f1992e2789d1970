package dev.determinedbatch.bench;

import dev.determinedbatch.batch.support.ActiveTraining;
import dev.determinedbatch.batch.support.BackgroundCheckpointWriter;
import dev.determinedbatch.batch.support.CheckpointBoundary;
import dev.determinedbatch.batch.support.LocalTraining;
import dev.determinedbatch.testsupport.Trees;
import dev.determinedbatch.training.Tensor;
import dev.determinedbatch.training.TrainingState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Figure P3: the training stall per checkpoint, the time the training thread is held at a chunk
 * boundary, over the time to copy the same state in memory, both measured in the same run, at 1,
 * 10 and 100 MB of state (weights and momentum, float32).
 *
 * <p>The stall is {@link CheckpointBoundary#reached}, the job's own boundary, on a training of the
 * sample network with a hidden layer wide enough for that size, storing into a directory under
 * {@code target/}: it waits for the previous write if it still runs, copies the state, and hands
 * it to the background writer. Between boundaries the benchmark lets the write finish, as the
 * training between two checkpoints would (a write longer than that shows as stall, which P3 would
 * count). The baseline copies the state's arrays ({@code float[].clone()}) once. Each figure is the
 * median over several boundaries, after warm-up ones; the two alternate.
 *
 * <p>{@code mvn -B -q -DskipTests test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.determinedbatch.bench.CheckpointStallBenchmark [-Dbench.p3.rounds=7]}
 */
public final class CheckpointStallBenchmark {

    private static final double GOAL_AT_100MB = 2;
    private static final int WARM_UP = 5;

    private CheckpointStallBenchmark() {
    }

    public static void main(String[] args) {
        for (BenchmarkRow row : stallRows()) {
            System.out.println(row.line());
        }
    }

    /** Rows {@code P3 1MB}, {@code P3 10MB} (shown), {@code P3 100MB} (held to at most 2). */
    public static List<BenchmarkRow> stallRows() {
        int rounds = Integer.getInteger("bench.p3.rounds", Boolean.getBoolean("bench.quick") ? 3 : 7);
        List<BenchmarkRow> rows = new ArrayList<>();
        try {
            Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "p3-stall-");
            try {
                for (int mb : StateSizes.MEGABYTES) {
                    rows.add(measure(work.resolve(StateSizes.label(mb)), mb, rounds));
                }
            } finally {
                Trees.delete(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("P3: " + e.getMessage(), e);
        }
        return rows;
    }

    private static BenchmarkRow measure(Path work, int mb, int rounds) throws IOException {
        int hidden = StateSizes.hiddenUnitsFor(mb);
        try (LocalTraining local = LocalTraining.open(work, Map.of("hiddenUnits", String.valueOf(hidden),
                "epochs", "2", "checkpointEverySteps", "0", "checkpointEverySeconds", "0"))) {
            ActiveTraining training = local.training();
            local.train(1);
            List<float[]> arrays = arrays(training.run().state());
            long bytes = arrays.stream().mapToLong(a -> (long) a.length * Float.BYTES).sum();
            double[] stalls = new double[rounds];
            double[] copies = new double[rounds];
            double[] writes = new double[rounds];
            long sink = 0;
            for (int i = -WARM_UP; i < rounds; i++) {
                long copyStart = System.nanoTime();
                for (float[] array : arrays) {
                    sink += array.clone().length;
                }
                long copy = System.nanoTime() - copyStart;

                long boundaryStart = System.nanoTime();
                CheckpointBoundary.reached(training, false);
                long stall = System.nanoTime() - boundaryStart;
                long write = awaitWritten(training.checkpointWriter(), boundaryStart);
                if (i >= 0) {
                    stalls[i] = stall;
                    copies[i] = copy;
                    writes[i] = write;
                }
            }
            if (sink == 42) {
                System.out.print(""); // keeps the copies from being optimised away
            }
            double stall = Samples.median(stalls) / 1e6;
            double copy = Samples.median(copies) / 1e6;
            double ratio = stall / copy;
            String beside = String.format(java.util.Locale.ROOT,
                    "stall %.2f ms, copy %.2f ms, write to durable %.0f ms, %.1f MiB state, median of %d",
                    stall, copy, Samples.median(writes) / 1e6, bytes / (double) (1 << 20), rounds);
            String size = StateSizes.label(mb);
            return mb == 100 ? BenchmarkRow.atMost("P3", size, ratio, GOAL_AT_100MB, beside)
                    : BenchmarkRow.info("P3", size, ratio, beside);
        }
    }

    /** Copies of the state's arrays, to time copying as much memory. */
    private static List<float[]> arrays(TrainingState state) {
        List<float[]> arrays = new ArrayList<>();
        for (Tensor t : state.model()) {
            arrays.add(t.data());
        }
        for (Tensor t : state.optimizer()) {
            arrays.add(t.data());
        }
        return arrays;
    }

    /** Waits, outside the measured stall, until the handed-over write is durable; its time since the boundary. */
    private static long awaitWritten(BackgroundCheckpointWriter writer, long since) {
        while (writer.writing()) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a checkpoint write", e);
            }
        }
        return System.nanoTime() - since;
    }
}
