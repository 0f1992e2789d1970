package dev.determinedbatch.bench;

import java.util.Locale;

/**
 * One line of the benchmark table: a figure (P1..P7, S1..), the state size it was measured at (or
 * empty), its value (a ratio against a baseline measured in the same run, or an absolute figure),
 * the goal it is held against, and what stands beside it (the raw numbers the value came from).
 * Printed figure first, e.g. {@code P2 100MB 0.86 goal >= 0.8  (ours 412 MB/s, plain 480 MB/s)}.
 */
public record BenchmarkRow(String figure, String size, double value, Goal goal, double target, String beside) {

    /** How a value is held against its target; {@link #NONE} for a figure shown beside the goals. */
    public enum Goal {
        AT_LEAST(">="), AT_MOST("<="), NONE("");

        private final String symbol;

        Goal(String symbol) {
            this.symbol = symbol;
        }
    }

    public BenchmarkRow {
        if (figure == null || figure.isBlank()) {
            throw new IllegalArgumentException("a benchmark row needs a figure name");
        }
        size = size == null ? "" : size;
        beside = beside == null ? "" : beside;
    }

    public static BenchmarkRow atLeast(String figure, String size, double value, double target, String beside) {
        return new BenchmarkRow(figure, size, value, Goal.AT_LEAST, target, beside);
    }

    public static BenchmarkRow atMost(String figure, String size, double value, double target, String beside) {
        return new BenchmarkRow(figure, size, value, Goal.AT_MOST, target, beside);
    }

    /** A figure with no goal of its own (reports per second, restart latency), shown beside the goals. */
    public static BenchmarkRow info(String figure, String size, double value, String beside) {
        return new BenchmarkRow(figure, size, value, Goal.NONE, Double.NaN, beside);
    }

    /** Whether the value meets its goal; a row without a goal always does. */
    public boolean met() {
        return switch (goal) {
            case AT_LEAST -> value >= target;
            case AT_MOST -> value <= target;
            case NONE -> true;
        };
    }

    /** The table line: figure, size, value, the goal, then what stands beside it in parentheses. */
    public String line() {
        StringBuilder line = new StringBuilder(figure);
        if (!size.isEmpty()) {
            line.append(' ').append(size);
        }
        line.append(' ').append(number(value));
        if (goal != Goal.NONE) {
            line.append(" goal ").append(goal.symbol).append(' ').append(number(target));
            if (!met()) {
                line.append(" MISSED");
            }
        }
        if (!beside.isEmpty()) {
            line.append("  (").append(beside).append(')');
        }
        return line.toString();
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        double magnitude = Math.abs(value);
        String pattern = magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, value);
    }
}
