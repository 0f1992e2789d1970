package dev.determinedbatch.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
     * Reads gzip'd CSV rows of 64 pixels then the label, no header.
     *
     * @throws IOException naming the line and what is wrong, for the first malformed row
     */
    public static DigitsDataset load(InputStream csvGz) throws IOException {
        GZIPInputStream gunzip;
        try {
            gunzip = new GZIPInputStream(csvGz);
        } catch (ZipException e) {
            throw new IOException("digits data is not gzip-compressed: " + e.getMessage(), e);
        }
        FloatRows pixels = new FloatRows();
        IntRows labels = new IntRows();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(gunzip, StandardCharsets.US_ASCII))) {
            String line;
            int lineNumber = 0;
            float[] row = new float[FEATURES];
            while ((line = in.readLine()) != null) {
                lineNumber++;
                labels.add(parseRow(line, lineNumber, row));
                pixels.add(row);
            }
        }
        if (labels.size == 0) {
            throw new IOException("digits data has no rows");
        }
        return new DigitsDataset(pixels.toArray(), labels.toArray());
    }

    /** The copy shipped on the classpath at {@code /datasets/digits.csv.gz} (1797 rows). */
    public static DigitsDataset loadBundled() throws IOException {
        try (InputStream in = DigitsDataset.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IOException("classpath resource " + BUNDLED + " is missing");
            }
            return load(in);
        }
    }

    /** Fills {@code pixels} and returns the label. */
    private static int parseRow(String line, int lineNumber, float[] pixels) throws IOException {
        String[] fields = line.split(",", -1);
        if (fields.length != FEATURES + 1) {
            throw new IOException("digits line " + lineNumber + ": expected " + (FEATURES + 1)
                    + " comma-separated values (64 pixels and a label), got " + fields.length);
        }
        for (int i = 0; i < FEATURES; i++) {
            int value = integer(fields[i], lineNumber, "pixel " + i);
            if (value < 0 || value > MAX_PIXEL) {
                throw new IOException("digits line " + lineNumber + ": pixel " + i + " must be in 0..16, got " + value);
            }
            pixels[i] = value / (float) MAX_PIXEL;
        }
        int label = integer(fields[FEATURES], lineNumber, "label");
        if (label < 0 || label >= CLASSES) {
            throw new IOException("digits line " + lineNumber + ": label must be in 0..9, got " + label);
        }
        return label;
    }

    private static int integer(String field, int lineNumber, String what) throws IOException {
        try {
            return Integer.parseInt(field.strip());
        } catch (NumberFormatException e) {
            throw new IOException("digits line " + lineNumber + ": " + what + " is not an integer: '" + field + "'");
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
