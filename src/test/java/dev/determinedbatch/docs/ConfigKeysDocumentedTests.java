package dev.determinedbatch.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.batch.support.TrainingJobParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every MicroProfile Config key the code reads is in the README's configuration table, and the
 * table names no key the code does not read.
 */
class ConfigKeysDocumentedTests {

    /** A string literal that is a config key of ours. */
    private static final Pattern KEY_LITERAL =
            Pattern.compile("\"((?:det|training|determined\\.batch|seed)\\.[A-Za-z][A-Za-z0-9.-]*)\"");
    /** A table row's first cell: {@code | `key` (`ENV`) | ...}. */
    private static final Pattern TABLE_KEY = Pattern.compile("^\\| `([A-Za-z][A-Za-z0-9.-]*)`", Pattern.MULTILINE);

    @Test
    void theReadmeTableListsEveryKeyTheCodeReads() throws IOException {
        Set<String> read = keysReadByTheCode();
        Set<String> documented = new TreeSet<>();
        Matcher table = TABLE_KEY.matcher(Files.readString(Path.of("README.md")));
        while (table.find()) {
            documented.add(table.group(1));
        }
        assertThat(read).isNotEmpty().contains("det.master", "training.batchSize");
        assertThat(documented).as("keys in the README table").containsAll(read);
        assertThat(read).as("keys the code reads").containsAll(documented.stream()
                .filter(k -> KEY_LITERAL.matcher('"' + k + '"').matches()).toList());
    }

    private static Set<String> keysReadByTheCode() throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher literal = KEY_LITERAL.matcher(Files.readString(source));
                while (literal.find()) {
                    keys.add(literal.group(1));
                }
            }
        }
        keys.remove(TrainingJobParameters.CONFIG_PREFIX);
        TrainingJobParameters.NAMES.forEach(name -> keys.add(TrainingJobParameters.CONFIG_PREFIX + name));
        return keys;
    }
}
