package dev.determinedbatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark command, {@code mvn -B -q -Pbenchmark verify [-Dbench.quick=true] [-Dbench.only=P4,P6]}:
 * runs every figure, each against a baseline measured in the same run, and ends its output with the
 * table, one {@link BenchmarkRow#line()} per figure and size. A figure that fails gets a row saying
 * so, and the command then exits with 1 after the table.
 */
public final class Benchmarks {

    private Benchmarks() {
    }

    static List<Figure> figures() {
        List<Figure> figures = new ArrayList<>();
        figures.add(new TrainingStepsFigure());          // P1, and the plot of steps/s over time
        figures.add(new CheckpointWriteFigure());        // P2
        figures.add(Figure.of("P3", options -> CheckpointStallBenchmark.stallRows()));  // P3
        figures.add(new NaiveRepositoryFigure());        // P4
        figures.add(new MetricReportFigure());           // P5
        figures.add(new RestoreFigure());                // P6, restore
        figures.add(new RestartLatencyFigure());         // P6, restart latency
        figures.add(new ServerStartFigure());            // P7
        figures.add(Figure.of("S1", S3Benchmark::s3Rows));   // S1: S3 store and restore against S3Proxy
        return figures;
    }

    public static void main(String[] args) throws Exception {
        BenchmarkOptions options = BenchmarkOptions.fromSystemProperties();
        Files.createDirectories(options.work());
        System.out.println("benchmark" + (options.quick() ? " (bench.quick: short runs, not figures to quote)" : "")
                + (options.only().isEmpty() ? "" : ", only " + options.only()) + "; " + machine(options.work()));
        List<BenchmarkRow> rows = new ArrayList<>();
        boolean failed = false;
        for (Figure figure : figures()) {
            if (!options.runs(figure.name())) {
                continue;
            }
            long start = System.nanoTime();
            String type = figure.getClass().getSimpleName();
            System.out.println("== " + figure.name() + (type.isEmpty() ? "" : " (" + type + ")"));
            try {
                rows.addAll(figure.run(options));
            } catch (Exception | Error e) {
                failed = true;
                e.printStackTrace(System.out);
                rows.add(BenchmarkRow.info(figure.name(), "", Double.NaN, "FAILED: " + e));
            }
            System.out.printf(Locale.ROOT, "== %s took %.0f s%n", figure.name(), Samples.secondsSince(start));
        }
        System.out.println();
        System.out.println("figure size value goal  (beside)");
        rows.forEach(row -> System.out.println(row.line()));
        System.out.flush();
        if (failed) {
            System.exit(1);
        }
        System.exit(0); // the stand-ins' and JMH's threads may linger
    }

    /** Cores, memory and the disk the figures write to. */
    static String machine(Path work) throws IOException {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        FileStore store = Files.getFileStore(work);
        return String.format(Locale.ROOT, "%d cores, %.0f GB memory, disk %s (%s), Java %s",
                Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize() / 1e9, store.name(), store.type(),
                System.getProperty("java.version"));
    }
}
