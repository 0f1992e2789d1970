package dev.determinedbatch.bench;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * P5: one synchronous HTTP metric report to the stand-in over our cost on the training thread per
 * report, both measured with JMH ({@link MetricReportJmh}, one fork each); beside it, reports per
 * second delivered to the stand-in, ours (reported as fast as the loop goes, then flushed) and
 * synchronous (one after another).
 */
final class MetricReportFigure implements Figure {

    static final double GOAL = 100;

    @Override
    public String name() {
        return "P5";
    }

    @Override
    public List<BenchmarkRow> run(BenchmarkOptions options) throws Exception {
        double synchronousMicros = score(jmh("synchronousReport", options)
                .warmupIterations(options.pick(3, 1)).warmupTime(TimeValue.seconds(options.pick(2, 1)))
                .measurementIterations(options.pick(5, 2)).measurementTime(TimeValue.seconds(options.pick(2, 1))));
        double batchMicros = score(jmh("ourReports", options)
                .warmupIterations(options.pick(50, 10)).measurementIterations(options.pick(300, 30)));
        double oursMicros = batchMicros / MetricReportJmh.BATCH;
        int delivered = options.pick(10_000, 2_000);
        double oursPerSecond = delivered(delivered, true);
        double synchronousPerSecond = delivered(options.pick(5_000, 500), false);
        return List.of(
                BenchmarkRow.atLeast("P5", "", synchronousMicros / oursMicros, GOAL, String.format(Locale.ROOT,
                        "synchronous report %.0f us, ours %.2f us on the training thread, JMH", synchronousMicros,
                        oursMicros)),
                BenchmarkRow.info("P5", "ours", oursPerSecond, String.format(Locale.ROOT,
                        "reports/s delivered to the stand-in, %d reports", delivered)),
                BenchmarkRow.info("P5", "synchronous", synchronousPerSecond, "reports/s delivered to the stand-in"));
    }

    private static ChainedOptionsBuilder jmh(String benchmark, BenchmarkOptions options) {
        return new OptionsBuilder().include(MetricReportJmh.class.getName() + "." + benchmark + "$").forks(1)
                .jvmArgsAppend("-Xmx1g").shouldFailOnError(true);
    }

    private static double score(ChainedOptionsBuilder builder) throws Exception {
        Collection<RunResult> results = new Runner(builder.build()).run();
        if (results.size() != 1) {
            throw new IllegalStateException("JMH ran " + results.size() + " benchmarks, expected 1");
        }
        return results.iterator().next().getPrimaryResult().getScore();
    }

    /** Reports per second from the first report to the last one delivered. */
    private static double delivered(int reports, boolean ours) throws Exception {
        MetricReportJmh bench = new MetricReportJmh();
        bench.start();
        try {
            long start = System.nanoTime();
            if (ours) {
                for (int i = 0; i < reports; i += MetricReportJmh.BATCH) {
                    bench.ourReports();
                }
                bench.drain();
            } else {
                for (int i = 0; i < reports; i++) {
                    bench.synchronousReport();
                }
            }
            double seconds = Samples.secondsSince(start);
            System.out.printf(Locale.ROOT, "P5 %s: %d reports delivered in %.2f s%n", ours ? "ours" : "synchronous",
                    reports, seconds);
            return reports / seconds;
        } finally {
            bench.stop();
        }
    }
}
