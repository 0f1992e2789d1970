package dev.determinedbatch.bench;

import java.util.List;

/** One figure of the benchmark table (P1, P2, ...): measures itself and its baseline in the same run. */
interface Figure {

    /** The name {@code bench.only} selects it by, and the first word of its rows. */
    String name();

    /** Measures; progress and raw numbers go to standard output, the rows to the table. */
    List<BenchmarkRow> run(BenchmarkOptions options) throws Exception;

    /** What a figure's body needs to be one. */
    interface Body {
        List<BenchmarkRow> run(BenchmarkOptions options) throws Exception;
    }

    /** A figure built elsewhere (another helper's class) under its name. */
    static Figure of(String name, Body body) {
        return new Figure() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<BenchmarkRow> run(BenchmarkOptions options) throws Exception {
                return body.run(options);
            }
        };
    }
}
