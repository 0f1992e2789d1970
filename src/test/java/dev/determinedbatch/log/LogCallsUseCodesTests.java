package dev.determinedbatch.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No log line of src/main at INFO or above bypasses {@link LogCode}, so that a new WARNING cannot
 * slip in without a code: outside the log package, a {@code java.util.logging} call names FINE or
 * finer, and INFO, WARNING and SEVERE appear nowhere. The seed example may log at INFO: its lines
 * are the output of Determined's own example, which it mirrors, not the server's.
 */
class LogCallsUseCodesTests {

    private static final Path MAIN = Path.of("src/main/java/dev/determinedbatch");
    private static final Path EXAMPLES = MAIN.resolve("examples");

    /** {@code x.log(first, ...}: a JUL call's first argument is its level; a LogCode's, its logger. */
    private static final Pattern LOG_CALL = Pattern.compile("(?<!Math)\\.log\\(\\s*([^,()]*)");
    private static final Pattern ALLOWED_FIRST_ARGUMENT = Pattern.compile("Level\\.(FINE|FINER|FINEST)|LOG");
    private static final Pattern LEVEL_SHORTHAND = Pattern.compile("\\.(severe|warning|info|logp|logrb)\\(\\s*[^)\\s]");
    /** A level at INFO or above, except a handler's comparison ({@code Level.WARNING.intValue()}). */
    private static final Pattern HIGH_LEVEL = Pattern.compile(
            "\\bLevel\\.(SEVERE|WARNING|INFO)\\b(?!\\.intValue\\(\\))|import static java\\.util\\.logging\\.Level|new LogRecord\\(");

    @Test
    void everyLogCallAtInfoOrAboveGoesThroughALogCode() throws IOException {
        List<String> bypasses = new ArrayList<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(MAIN)) {
            sources = files.filter(p -> p.toString().endsWith(".java") && !p.startsWith(MAIN.resolve("log"))).toList();
        }
        int logCalls = 0;
        for (Path source : sources) {
            String text = Files.readString(source);
            boolean example = source.startsWith(EXAMPLES);
            Matcher call = LOG_CALL.matcher(text);
            while (call.find()) {
                logCalls++;
                if (!ALLOWED_FIRST_ARGUMENT.matcher(call.group(1).strip()).matches()) {
                    bypasses.add(where(source, text, call.start()) + ": .log(" + call.group(1).strip() + ", ...");
                }
            }
            Matcher shorthand = LEVEL_SHORTHAND.matcher(text);
            while (shorthand.find()) {
                if (!(example && shorthand.group(1).equals("info"))) {
                    bypasses.add(where(source, text, shorthand.start()) + ": ." + shorthand.group(1) + "(...)");
                }
            }
            Matcher level = HIGH_LEVEL.matcher(text);
            while (level.find()) {
                bypasses.add(where(source, text, level.start()) + ": " + level.group());
            }
        }
        assertThat(logCalls).as("log calls found (the scan works)").isGreaterThan(50);
        assertThat(bypasses).as("log lines at INFO or above without a LogCode: give each a constant in LogCode"
                + " (and a row in the README's Log messages table) and log it with LogCode.X.log(LOG, ...)").isEmpty();
    }

    @Test
    void theScanCatchesABypass() {
        assertThat(LOG_CALL.matcher("LOG.log(Level.WARNING, \"x {0}\", y);").results()
                .map(m -> m.group(1)).filter(a -> !ALLOWED_FIRST_ARGUMENT.matcher(a).matches())).hasSize(1);
        assertThat(LOG_CALL.matcher("LOG.log(again ? Level.WARNING : Level.FINE, m);").results()
                .map(m -> m.group(1)).filter(a -> !ALLOWED_FIRST_ARGUMENT.matcher(a).matches())).hasSize(1);
        assertThat(LOG_CALL.matcher("LOG.log(level, m);").results()
                .map(m -> m.group(1)).filter(a -> !ALLOWED_FIRST_ARGUMENT.matcher(a).matches())).hasSize(1);
        assertThat(LOG_CALL.matcher("LOG.log(Level.FINE, m); LogCode.X.log(LOG, a); Math.log(2.0);").results()
                .map(m -> m.group(1)).filter(a -> !ALLOWED_FIRST_ARGUMENT.matcher(a).matches())).isEmpty();
        assertThat(LEVEL_SHORTHAND.matcher("LOG.warning(\"x\"); session.info().trialId()").results()).hasSize(1);
        assertThat(HIGH_LEVEL.matcher("x < Level.WARNING.intValue(); Level level = Level.SEVERE;").results())
                .hasSize(1);
    }

    private static String where(Path source, String text, int offset) {
        return source + ":" + (text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1);
    }
}
