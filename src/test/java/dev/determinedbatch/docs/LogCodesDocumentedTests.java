package dev.determinedbatch.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.log.LogCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's "Log messages" table is {@link LogCode}: one row per code, in order, with its level
 * and meaning. On a mismatch the failure prints the table to paste.
 */
class LogCodesDocumentedTests {

    private static final String SECTION = "## Log messages";

    @Test
    void theReadmeTableListsEveryCodeWithItsLevelAndMeaning() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n" + SECTION + "\n");
        assertThat(start).as("the README has a section '" + SECTION + "'").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        List<String> documented = readme.substring(start, end < 0 ? readme.length() : end).lines()
                .filter(line -> line.startsWith("| `DETBATCH-")).toList();
        List<String> expected = Arrays.stream(LogCode.values()).map(LogCodesDocumentedTests::row).toList();
        assertThat(documented).as("the README's log messages; its table should read:%n%s",
                expected.stream().collect(Collectors.joining("\n"))).isEqualTo(expected);
    }

    private static String row(LogCode code) {
        return "| `" + code.code() + "` | " + code.level().getName() + " | " + code.meaning() + " |";
    }
}
