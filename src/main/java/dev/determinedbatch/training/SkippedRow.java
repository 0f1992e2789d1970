package dev.determinedbatch.training;

/**
 * A dataset row that could not be read, and why.
 *
 * @param line   1-based line number in the (uncompressed) file
 * @param reason what is wrong with it, e.g. {@code "label must be in 0..9, got 10"}
 */
public record SkippedRow(int line, String reason) {

    /** How many rows {@link #listed} names. */
    static final int LISTED = 3;

    /** The first few rows for a message: {@code "line 3: ...; line 7: ..."}. */
    public static String listed(java.util.List<SkippedRow> rows) {
        return String.join("; ", rows.stream().limit(LISTED).map(SkippedRow::toString).toList());
    }

    @Override
    public String toString() {
        return "line " + line + ": " + reason;
    }
}
