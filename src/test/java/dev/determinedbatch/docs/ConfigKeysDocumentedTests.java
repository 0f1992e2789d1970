package dev.determinedbatch.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.batch.support.TrainingJobParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every MicroProfile Config key the code reads, and every system property the server
 * configuration's expressions read (server-config/*.cli), is in the README's configuration table,
 * and the table names no key that neither reads.
 */
class ConfigKeysDocumentedTests {

    /** A string literal that is a config key of ours. */
    private static final Pattern KEY_LITERAL =
            Pattern.compile("\"((?:det|training|determined\\.batch|seed)\\.[A-Za-z][A-Za-z0-9.-]*)\"");
    /** An expression of ours in a CLI script: {@code ${determined.batch.users.file,env...:default}}. */
    private static final Pattern CLI_EXPRESSION =
            Pattern.compile("\\$\\{((?:det|training|determined\\.batch|seed)\\.[A-Za-z][A-Za-z0-9.-]*)[,:}]");
    /** A table row's first cell: {@code | `key` (`ENV`) | ...}. */
    private static final Pattern TABLE_KEY = Pattern.compile("^\\| `([A-Za-z][A-Za-z0-9.-]*)`", Pattern.MULTILINE);

    @Test
    void theReadmeTableListsEveryKeyTheCodeAndTheServerRead() throws IOException {
        Set<String> read = keysReadByTheCodeAndTheServer();
        Set<String> documented = new TreeSet<>();
        Matcher table = TABLE_KEY.matcher(Files.readString(Path.of("README.md")));
        while (table.find()) {
            documented.add(table.group(1));
        }
        assertThat(read).isNotEmpty().contains("det.master", "training.batchSize", "determined.batch.users.file");
        assertThat(documented).as("keys in the README table").containsAll(read);
        assertThat(read).as("keys the code reads").containsAll(documented.stream()
                .filter(k -> KEY_LITERAL.matcher('"' + k + '"').matches()).toList());
    }

    private static Set<String> keysReadByTheCodeAndTheServer() throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            addMatches(sources.filter(p -> p.toString().endsWith(".java")).toList(), KEY_LITERAL, keys);
        }
        try (Stream<Path> scripts = Files.list(Path.of("server-config"))) {
            addMatches(scripts.filter(p -> p.toString().endsWith(".cli")).toList(), CLI_EXPRESSION, keys);
        }
        keys.remove(TrainingJobParameters.CONFIG_PREFIX);
        TrainingJobParameters.NAMES.forEach(name -> keys.add(TrainingJobParameters.CONFIG_PREFIX + name));
        return keys;
    }

    private static void addMatches(List<Path> files, Pattern key, Set<String> keys) throws IOException {
        for (Path file : files) {
            Matcher match = key.matcher(Files.readString(file));
            while (match.find()) {
                keys.add(match.group(1));
            }
        }
    }
}
