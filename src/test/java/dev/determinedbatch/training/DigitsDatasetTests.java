package dev.determinedbatch.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.StringJoiner;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DigitsDatasetTests {

    private static DigitsDataset all;

    @BeforeAll
    static void loadAll() throws IOException {
        all = DigitsDataset.loadBundled();
    }

    @Test
    void bundledDataHasTheUciShape() {
        assertThat(all.size()).isEqualTo(1797);
        assertThat(all.features()).isEqualTo(64);
        assertThat(all.classes()).isEqualTo(10);
        float[] pixels = new float[64];
        all.copyPixels(0, pixels, 0);
        // first row of the file: 0,0,5,13,9,1,... label 0
        assertThat(pixels[2]).isEqualTo(5 / 16f);
        assertThat(pixels[3]).isEqualTo(13 / 16f);
        assertThat(all.label(0)).isZero();
        for (int row = 0; row < all.size(); row++) {
            all.copyPixels(row, pixels, 0);
            for (float p : pixels) {
                assertThat(p).isBetween(0f, 1f);
            }
        }
    }

    @Test
    void splitIsStratifiedEightyTwenty() {
        DigitsDataset.Split split = all.split();
        assertThat(split.training().size()).isEqualTo(1437);
        assertThat(split.validation().size()).isEqualTo(360);
        int[] total = classCounts(all);
        int[] validation = classCounts(split.validation());
        for (int c = 0; c < 10; c++) {
            double share = (double) validation[c] / total[c];
            assertThat(share).as("class %d: %d of %d", c, validation[c], total[c]).isBetween(0.19, 0.21);
        }
    }

    @Test
    void splitIsAPartitionOfTheRows() {
        DigitsDataset.Split split = all.split();
        List<String> original = rows(all);
        List<String> parts = rows(split.training());
        parts.addAll(rows(split.validation()));
        Collections.sort(original);
        Collections.sort(parts);
        // same multiset of rows and sizes adding up: every row went to exactly one side
        assertThat(parts).isEqualTo(original);
    }

    @Test
    void splitTakesEveryFifthRowOfAClassInFileOrder() {
        // class 9 has 180 rows, a multiple of 5: its validation rows are its 5th, 10th, ... rows
        List<String> nines = new ArrayList<>();
        List<String> rows = rows(all);
        for (int row = 0; row < all.size(); row++) {
            if (all.label(row) == 9) {
                nines.add(rows.get(row));
            }
        }
        List<String> validationNines = new ArrayList<>();
        DigitsDataset validation = all.split().validation();
        List<String> validationRows = rows(validation);
        for (int row = 0; row < validation.size(); row++) {
            if (validation.label(row) == 9) {
                validationNines.add(validationRows.get(row));
            }
        }
        List<String> everyFifth = new ArrayList<>();
        for (int i = 4; i < nines.size(); i += 5) {
            everyFifth.add(nines.get(i));
        }
        assertThat(validationNines).isEqualTo(everyFifth);
    }

    @Test
    void splitDependsOnTheRowsAlone() throws IOException {
        DigitsDataset.Split first = all.split();
        DigitsDataset.Split again = DigitsDataset.loadBundled().split();
        assertThat(rows(again.training())).isEqualTo(rows(first.training()));
        assertThat(rows(again.validation())).isEqualTo(rows(first.validation()));
    }

    @Test
    void malformedRowsAreRefusedNamingTheLine() {
        String good = row(0, 3);
        assertThatThrownBy(() -> load(good, good, "1,2,3")).isInstanceOf(IOException.class)
                .hasMessageContaining("line 3").hasMessageContaining("expected 65").hasMessageContaining("got 3");
        assertThatThrownBy(() -> load(good, good + ",4")).hasMessageContaining("line 2").hasMessageContaining("got 66");
        assertThatThrownBy(() -> load(good, good.replaceFirst("^0", "x"))).hasMessageContaining("line 2")
                .hasMessageContaining("pixel 0 is not an integer: 'x'");
        assertThatThrownBy(() -> load(good.replaceFirst("^0", "1.5"))).hasMessageContaining("line 1")
                .hasMessageContaining("not an integer");
        assertThatThrownBy(() -> load(good, good, good, good.replaceFirst("^0", "17"))).hasMessageContaining("line 4")
                .hasMessageContaining("pixel 0 must be in 0..16, got 17");
        assertThatThrownBy(() -> load(good.replaceFirst("^0", "-1"))).hasMessageContaining("got -1");
        assertThatThrownBy(() -> load(good, row(0, 10))).hasMessageContaining("line 2")
                .hasMessageContaining("label must be in 0..9, got 10");
        assertThatThrownBy(() -> load(good, good.replaceFirst(",3$", ",seven"))).hasMessageContaining("line 2")
                .hasMessageContaining("label is not an integer");
        assertThatThrownBy(() -> load(good, "")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> load()).hasMessageContaining("no rows");
    }

    @Test
    void malformedRowsUpToTheLimitAreSkippedCountedAndNamed() throws IOException {
        String good = row(1, 2);
        DigitsDataset.Loaded loaded = DigitsDataset.load(gzip(good, "1,2,3", good, row(0, 10), good, "", good), 3);

        assertThat(loaded.dataset().size()).isEqualTo(4);
        assertThat(loaded.skippedRows()).isEqualTo(3);
        assertThat(loaded.firstSkipped()).containsExactly(
                new SkippedRow(2, "expected 65 comma-separated values (64 pixels and a label), got 3"),
                new SkippedRow(4, "label must be in 0..9, got 10"),
                new SkippedRow(6, "expected 65 comma-separated values (64 pixels and a label), got 1"));
        assertThat(DigitsDataset.load(gzip(good, good), 3).skippedRows()).isZero();
    }

    @Test
    void moreMalformedRowsThanTheLimitFailWithTheirCountTheLimitAndTheFirstOnes() {
        String good = row(1, 2);
        String[] lines = new String[30];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = i % 2 == 0 ? good : good.replaceFirst("^1", "x" + i);
        }
        assertThatThrownBy(() -> DigitsDataset.load(gzip(lines), 14))
                .isInstanceOfSatisfying(MalformedDatasetException.class, e -> {
                    assertThat(e.malformedRows()).isEqualTo(15);
                    assertThat(e.skipLimit()).isEqualTo(14);
                    assertThat(e.firstMalformed()).hasSize(DigitsDataset.KEPT_SKIPPED_ROWS)
                            .extracting(SkippedRow::line).startsWith(2, 4, 6);
                })
                .hasMessage("digits data has 15 malformed rows, more than the skip limit of 14; the first:"
                        + " line 2: pixel 0 is not an integer: 'x1'; line 4: pixel 0 is not an integer: 'x3';"
                        + " line 6: pixel 0 is not an integer: 'x5'");
    }

    @Test
    void aHugeFieldIsCutInTheMessage() {
        String huge = "9".repeat(5000);
        assertThatThrownBy(() -> load(row(1, 2).replaceFirst("^1", huge)))
                .hasMessageContaining("pixel 0 is not an integer: '" + "9".repeat(20) + "...'")
                .hasMessageNotContaining("9".repeat(21));
    }

    @Test
    void onlyMalformedRowsWithinTheLimitAreNoData() {
        assertThatThrownBy(() -> DigitsDataset.load(gzip("a", "b"), 5)).isInstanceOf(IOException.class)
                .isNotInstanceOf(MalformedDatasetException.class)
                .hasMessage("digits data has no rows but 2 malformed ones; the first: line 1: expected 65"
                        + " comma-separated values (64 pixels and a label), got 1; line 2: expected 65"
                        + " comma-separated values (64 pixels and a label), got 1");
        assertThatThrownBy(() -> DigitsDataset.load(gzip("a"), -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the skip limit must not be negative, got -1");
    }

    @Test
    void skippingMalformedRowsKeepsTheSplitOfTheValidRows() throws IOException {
        List<String> lines;
        try (InputStream in = new java.util.zip.GZIPInputStream(DigitsDataset.bundledStream())) {
            lines = new ArrayList<>(new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList());
        }
        lines.add(0, "garbage");
        lines.add(500, row(0, 11));
        lines.add(1200, "1,2");
        lines.add("");
        DigitsDataset.Loaded withBadRows = DigitsDataset.load(gzip(lines.toArray(String[]::new)), 4);

        assertThat(withBadRows.skippedRows()).isEqualTo(4);
        DigitsDataset.Split expected = all.split();
        DigitsDataset.Split split = withBadRows.dataset().split();
        assertThat(rows(split.training())).isEqualTo(rows(expected.training()));
        assertThat(rows(split.validation())).isEqualTo(rows(expected.validation()));
    }

    @Test
    void plainTextIsNotGzip() {
        InputStream plain = new ByteArrayInputStream(row(1, 1).getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> DigitsDataset.load(plain)).isInstanceOf(IOException.class)
                .hasMessageContaining("not gzip");
    }

    @Test
    void wellFormedRowsLoad() throws IOException {
        DigitsDataset two = load(row(16, 7), row(8, 2) + "\r");
        assertThat(two.size()).isEqualTo(2);
        assertThat(two.label(0)).isEqualTo(7);
        assertThat(two.label(1)).isEqualTo(2);
        float[] pixels = new float[64];
        two.copyPixels(1, pixels, 0);
        assertThat(pixels).containsOnly(0.5f);
    }

    static DigitsDataset load(String... lines) throws IOException {
        return DigitsDataset.load(gzip(lines));
    }

    static InputStream gzip(String... lines) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(String.join("\n", lines).concat(lines.length > 0 ? "\n" : "").getBytes(StandardCharsets.US_ASCII));
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }

    static String row(int pixel, int label) {
        StringJoiner joiner = new StringJoiner(",");
        for (int i = 0; i < 64; i++) {
            joiner.add(Integer.toString(pixel));
        }
        return joiner.add(Integer.toString(label)).toString();
    }

    private static int[] classCounts(DigitsDataset data) {
        int[] counts = new int[10];
        for (int row = 0; row < data.size(); row++) {
            counts[data.label(row)]++;
        }
        return counts;
    }

    private static List<String> rows(DigitsDataset data) {
        List<String> rows = new ArrayList<>();
        float[] pixels = new float[64];
        for (int row = 0; row < data.size(); row++) {
            data.copyPixels(row, pixels, 0);
            rows.add(java.util.Arrays.toString(pixels) + " " + data.label(row));
        }
        return rows;
    }
}
