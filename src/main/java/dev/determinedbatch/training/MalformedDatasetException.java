package dev.determinedbatch.training;

import java.io.IOException;
import java.util.List;

/**
 * More rows of a dataset failed to parse than the caller allows to skip. The whole file was read,
 * so {@link #malformedRows()} is the full count.
 */
public final class MalformedDatasetException extends IOException {

    private final int malformedRows;
    private final int skipLimit;
    private final List<SkippedRow> firstMalformed;

    MalformedDatasetException(int malformedRows, int skipLimit, List<SkippedRow> firstMalformed) {
        super("digits data has " + malformedRows + " malformed " + (malformedRows == 1 ? "row" : "rows")
                + ", more than the skip limit of " + skipLimit + "; the first: " + SkippedRow.listed(firstMalformed));
        this.malformedRows = malformedRows;
        this.skipLimit = skipLimit;
        this.firstMalformed = List.copyOf(firstMalformed);
    }

    public int malformedRows() {
        return malformedRows;
    }

    public int skipLimit() {
        return skipLimit;
    }

    /** The first malformed rows in file order, at most {@link DigitsDataset#KEPT_SKIPPED_ROWS}. */
    public List<SkippedRow> firstMalformed() {
        return firstMalformed;
    }
}
