package dev.determinedbatch.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The UCI optical digits: 8x8 images of 0..16 ink levels, scaled to [0, 1] as float, and a label
 * 0..9. Immutable: rows are only ever read.
 */
public final class DigitsDataset {

    /** Pixels per image. */
    public static final int FEATURES = 64;
    /** Labels 0..9. */
    public static final int CLASSES = 10;
    private static final int MAX_PIXEL = 16;
    private static final String BUNDLED = "/datasets/digits.csv.gz";
    /** A field quoted in a message is cut to this length: a broken file may have huge ones. */
    private static final int MAX_SHOWN_FIELD = 20;

    private final float[] pixels; // row-major, FEATURES per row
    private final int[] labels;

    private DigitsDataset(float[] pixels, int[] labels) {
        this.pixels = pixels;
        this.labels = labels;
    }

    /** A fixed split of rows into training and validation. */
    public record Split(DigitsDataset training, DigitsDataset validation) {
    }

    /**
     * A file read with a skip limit: the valid rows, and how many malformed ones were left out.
     *
     * @param skippedRows  every row that was left out
     * @param firstSkipped the first of them in file order, at most {@link #KEPT_SKIPPED_ROWS}
     */
    public record Loaded(DigitsDataset dataset, int skippedRows, List<SkippedRow> firstSkipped) {

        public Loaded {
            firstSkipped = List.copyOf(firstSkipped);
        }
    }

    /** How many skipped rows a {@link Loaded} names; the rest are only counted. */
    public static final int KEPT_SKIPPED_ROWS = 10;

    /**
     * Reads gzip'd CSV rows of 64 pixels then the label, no header; refuses any malformed row.
     *
     * @throws IOException naming the line and what is wrong, for a malformed row
     */
    public static DigitsDataset load(InputStream csvGz) throws IOException {
        return load(csvGz, 0).dataset();
    }

    /**
     * Reads gzip'd CSV rows of 64 pixels then the label, no header, leaving out up to
     * {@code skipLimit} rows that fail to parse. The valid rows keep their file order, so the
     * {@link #split()} of a file with malformed rows is that of the same file without them.
     *
     * @throws MalformedDatasetException when more than {@code skipLimit} rows are malformed,
     *                                   naming their count and the first of them
     * @throws IOException               when the file is not gzip or has no valid row
     */
    public static Loaded load(InputStream csvGz, int skipLimit) throws IOException {
        if (skipLimit < 0) {
            throw new IllegalArgumentException("the skip limit must not be negative, got " + skipLimit);
        }
        GZIPInputStream gunzip;
        try {
            gunzip = new GZIPInputStream(csvGz);
        } catch (ZipException e) {
            throw new IOException("digits data is not gzip-compressed: " + e.getMessage(), e);
        }
        FloatRows pixels = new FloatRows();
        IntRows labels = new IntRows();
        List<SkippedRow> skipped = new ArrayList<>();
        int skippedRows = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(gunzip, StandardCharsets.US_ASCII))) {
            String line;
            int lineNumber = 0;
            float[] row = new float[FEATURES];
            while ((line = in.readLine()) != null) {
                lineNumber++;
                try {
                    labels.add(parseRow(line, row));
                    pixels.add(row);
                } catch (MalformedRow malformed) {
                    skippedRows++;
                    if (skipped.size() < KEPT_SKIPPED_ROWS) {
                        skipped.add(new SkippedRow(lineNumber, malformed.getMessage()));
                    }
                }
            }
        }
        if (skippedRows > skipLimit) {
            throw new MalformedDatasetException(skippedRows, skipLimit, skipped);
        }
        if (labels.size == 0) {
            throw new IOException("digits data has no rows" + (skippedRows == 0 ? ""
                    : " but " + skippedRows + " malformed ones; the first: " + SkippedRow.listed(skipped)));
        }
        return new Loaded(new DigitsDataset(pixels.toArray(), labels.toArray()), skippedRows, skipped);
    }

    /** The copy shipped on the classpath at {@code /datasets/digits.csv.gz} (1797 rows). */
    public static DigitsDataset loadBundled() throws IOException {
        try (InputStream in = bundledStream()) {
            return load(in);
        }
    }

    /** The gzip'd CSV of {@link #loadBundled()}, for {@link #load(InputStream, int)}. */
    public static InputStream bundledStream() throws IOException {
        InputStream in = DigitsDataset.class.getResourceAsStream(BUNDLED);
        if (in == null) {
            throw new IOException("classpath resource " + BUNDLED + " is missing");
        }
        return in;
    }

    /** Fills {@code pixels} and returns the label. */
    private static int parseRow(String line, float[] pixels) throws MalformedRow {
        String[] fields = line.split(",", -1);
        if (fields.length != FEATURES + 1) {
            throw new MalformedRow("expected " + (FEATURES + 1)
                    + " comma-separated values (64 pixels and a label), got " + fields.length);
        }
        for (int i = 0; i < FEATURES; i++) {
            int value = integer(fields[i], "pixel " + i);
            if (value < 0 || value > MAX_PIXEL) {
                throw new MalformedRow("pixel " + i + " must be in 0..16, got " + value);
            }
            pixels[i] = value / (float) MAX_PIXEL;
        }
        int label = integer(fields[FEATURES], "label");
        if (label < 0 || label >= CLASSES) {
            throw new MalformedRow("label must be in 0..9, got " + label);
        }
        return label;
    }

    private static int integer(String field, String what) throws MalformedRow {
        try {
            return Integer.parseInt(field.strip());
        } catch (NumberFormatException e) {
            String shown = field.length() > MAX_SHOWN_FIELD ? field.substring(0, MAX_SHOWN_FIELD) + "..." : field;
            throw new MalformedRow(what + " is not an integer: '" + shown + "'");
        }
    }

    /** Why a row cannot be read; no stack trace, since a skipped row is no program error. */
    private static final class MalformedRow extends Exception {
        MalformedRow(String reason) {
            super(reason, null, false, false);
        }
    }

    public int size() {
        return labels.length;
    }

    public int features() {
        return FEATURES;
    }

    public int classes() {
        return CLASSES;
    }

    /** The label of {@code row}, 0..9. */
    public int label(int row) {
        return labels[row];
    }

    /**
     * A stratified 80/20 split that depends on nothing but the rows, so every run, whatever its
     * seed, validates on the same images. Each class sends {@code floor(n/5)} rows to validation;
     * the total is rounded up to {@code ceil(size/5)} (as scikit-learn's {@code test_size=0.2}
     * does) by giving one more row to the classes with the largest remainders, ties to the lower
     * label. Within a class the chosen rows are spread evenly in file order (every 5th when
     * {@code n} divides by 5). The bundled data gives 1437 training and 360 validation rows.
     */
    public Split split() {
        int[] perClass = new int[CLASSES];
        for (int label : labels) {
            perClass[label]++;
        }
        int[] quota = new int[CLASSES];
        int assigned = 0;
        for (int c = 0; c < CLASSES; c++) {
            quota[c] = perClass[c] / 5;
            assigned += quota[c];
        }
        int target = (size() + 4) / 5;
        for (int remainder = 4; remainder > 0 && assigned < target; remainder--) {
            for (int c = 0; c < CLASSES && assigned < target; c++) {
                if (perClass[c] % 5 == remainder) {
                    quota[c]++;
                    assigned++;
                }
            }
        }
        boolean[] validation = new boolean[size()];
        int[] seen = new int[CLASSES];
        for (int row = 0; row < size(); row++) {
            int c = labels[row];
            int i = seen[c]++;
            // Bresenham: row i of n is chosen when floor(i * q / n) steps up
            validation[row] = (long) (i + 1) * quota[c] / perClass[c] > (long) i * quota[c] / perClass[c];
        }
        return new Split(subset(validation, false, size() - assigned), subset(validation, true, assigned));
    }

    private DigitsDataset subset(boolean[] validation, boolean wanted, int rows) {
        float[] subPixels = new float[rows * FEATURES];
        int[] subLabels = new int[rows];
        int next = 0;
        for (int row = 0; row < size(); row++) {
            if (validation[row] == wanted) {
                System.arraycopy(pixels, row * FEATURES, subPixels, next * FEATURES, FEATURES);
                subLabels[next++] = labels[row];
            }
        }
        return new DigitsDataset(subPixels, subLabels);
    }

    /** Copies the pixels of {@code row} into {@code target} at {@code offset}. */
    void copyPixels(int row, float[] target, int offset) {
        System.arraycopy(pixels, row * FEATURES, target, offset, FEATURES);
    }

    @Override
    public String toString() {
        return "DigitsDataset[" + size() + " rows]";
    }

    /** A growable float array, so loading needs no boxing. */
    private static final class FloatRows {
        float[] data = new float[2048 * FEATURES];
        int length;

        void add(float[] row) {
            if (length + row.length > data.length) {
                data = java.util.Arrays.copyOf(data, data.length * 2);
            }
            System.arraycopy(row, 0, data, length, row.length);
            length += row.length;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(data, length);
        }
    }

    private static final class IntRows {
        int[] data = new int[2048];
        int size;

        void add(int value) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = value;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
