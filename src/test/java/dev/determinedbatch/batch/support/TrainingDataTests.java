package dev.determinedbatch.batch.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDataTests {

    @TempDir
    Path dir;

    @Test
    void malformedRowsWithinTheLimitAreSkippedAndCounted() throws IOException {
        Path file = dataset("twenty.csv.gz", 20, "1,2,x", "not a row");

        TrainingData data = TrainingData.load(inDir(file), 2);

        assertThat(data.rows()).isEqualTo(20);
        assertThat(data.skippedRows()).isEqualTo(2);
        assertThat(data.split().training().size() + data.split().validation().size()).isEqualTo(20);
        assertThat(data.metrics()).containsExactly(java.util.Map.entry("rows", 20), java.util.Map.entry("skippedRows", 2));
    }

    @Test
    void moreMalformedRowsThanTheLimitNameTheFileTheCountAndTheLimit() throws IOException {
        Path file = dataset("bad.csv.gz", 20, "1,2,x", "not a row", "");

        assertThatThrownBy(() -> TrainingData.load(inDir(file), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("job parameter 'dataset': " + file.toAbsolutePath() + " has 3 malformed rows,"
                        + " more than job parameter 'datasetSkipLimit' allows (2); the first: line 21");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("missing.csv.gz");

        assertThatThrownBy(() -> TrainingData.load(inDir(missing), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("job parameter 'dataset': no file " + missing.toAbsolutePath());
    }

    @Test
    void withoutAFileTheBundledDigitsAreUsed() {
        TrainingData data = TrainingData.load(null, 0);

        assertThat(data.rows()).isEqualTo(1797);
        assertThat(data.skippedRows()).isZero();
    }

    @Test
    void theSourceOfTheChoiceIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("plain.csv"), "1,2,3\n");

        assertThatThrownBy(() -> TrainingData.load(DatasetRoots.of(List.of(dir)).check(file.toString(),
                "config key 'training.dataset' (default of job parameter 'dataset')"), 0))
                .hasMessageStartingWith("config key 'training.dataset' (default of job parameter 'dataset'): cannot"
                        + " read " + file + ": digits data is not gzip-compressed");
    }

    /** {@code file}, allowed by the test's directory as the one dataset root. */
    private DatasetFile inDir(Path file) {
        return DatasetRoots.of(List.of(dir)).check(file.toString(), "job parameter 'dataset'");
    }

    /** {@code valid} well-formed rows (labels 0..9 in turn), then the given malformed lines. */
    private Path dataset(String name, int valid, String... malformed) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < valid; i++) {
            lines.add("0,".repeat(64) + (i % 10));
        }
        lines.addAll(List.of(malformed));
        Path file = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }
}
