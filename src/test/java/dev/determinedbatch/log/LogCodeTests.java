package dev.determinedbatch.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

class LogCodeTests {

    @Test
    void everyCodeIsUniqueNumberedInItsAreaAndDeclaredInAscendingOrder() {
        List<LogCode> codes = List.of(LogCode.values());
        assertThat(codes).extracting(LogCode::code).allMatch(c -> c.matches("DETBATCH-\\d{4}")).doesNotHaveDuplicates();
        assertThat(codes).extracting(LogCode::number).isSorted().doesNotHaveDuplicates()
                .allMatch(n -> n >= 1 && n <= 599, "in an area the javadoc names (0001-0599)");
        assertThat(LogCode.TRIAL_NOT_MARKED.code()).isEqualTo("DETBATCH-0020");
    }

    @Test
    void everyCodeIsAtInfoOrAboveWithAMessageAndOneLineForOperators() {
        for (LogCode code : LogCode.values()) {
            assertThat(code.level()).as(code.code()).isIn(Level.INFO, Level.WARNING, Level.SEVERE);
            assertThat(code.pattern()).as(code.code()).isNotBlank().doesNotStartWith("DETBATCH");
            assertThat(code.meaning()).as(code.code()).isNotBlank().doesNotContain("|", "\n");
        }
    }

    /**
     * A pattern is formatted only when it has arguments (java.util.logging formats none otherwise),
     * and only when it holds one of {0} to {3}: so one without arguments must not hold MessageFormat
     * quotes, and one with arguments must use {0}.
     */
    @Test
    void everyPatternIsFormattedAsWritten() {
        for (LogCode code : LogCode.values()) {
            int arguments = new MessageFormat(code.pattern()).getFormatsByArgumentIndex().length;
            assertThat(code.arguments()).as(code.code()).isEqualTo(arguments);
            if (arguments == 0) {
                assertThat(code.pattern()).as(code.code()).doesNotContain("'", "{", "}");
            } else {
                assertThat(code.pattern()).as(code.code()).contains("{0}");
            }
        }
    }

    @Test
    void theLoggedLineStartsWithTheCodeAndNamesItsCallerAsSource() {
        try (Captured log = new Captured(Level.ALL)) {
            LogCode.TRIAL_NOT_MARKED.log(log.logger, 4, "COMPLETED", "connection refused", "");
            LogCode.LEASE_NOT_GIVEN_UP.logThrown(log.logger, new IllegalStateException("boom"), "s-1");
            LogCode.REPORTS_WAIT_MASTER_UNREACHABLE.fine(log.logger, "metrics", "down", "/spill", "5");

            assertThat(log.records).extracting(LogRecord::getLevel).containsExactly(Level.WARNING, Level.WARNING,
                    Level.FINE);
            assertThat(new SimpleFormatter().formatMessage(log.records.get(0)))
                    .isEqualTo("DETBATCH-0020 trial 4 was not marked COMPLETED: the master is unreachable"
                            + " (connection refused)")
                    .isEqualTo(LogCode.TRIAL_NOT_MARKED.format(4, "COMPLETED", "connection refused", ""));
            assertThat(log.records.get(1).getThrown()).hasMessage("boom");
            assertThat(new SimpleFormatter().formatMessage(log.records.get(2))).startsWith("DETBATCH-0101 metrics");
            assertThat(log.records).allSatisfy(r -> {
                assertThat(r.getSourceClassName()).isEqualTo(LogCodeTests.class.getName());
                assertThat(r.getSourceMethodName()).isEqualTo("theLoggedLineStartsWithTheCodeAndNamesItsCallerAsSource");
                assertThat(r.getLoggerName()).isEqualTo(log.logger.getName());
            });
        }
    }

    @Test
    void aMessageBelowTheLoggersLevelIsNotPublished() {
        try (Captured log = new Captured(Level.WARNING)) {
            LogCode.LEASE_HELD.log(log.logger, "s-1", 10, 30);
            LogCode.REPORTS_WAIT_MASTER_UNREACHABLE.fine(log.logger, "metrics", "down", "/spill", "5");
            LogCode.LEASE_NOT_GIVEN_UP.log(log.logger, "s-1");
            assertThat(log.records).extracting(LogRecord::getMessage).singleElement().asString()
                    .startsWith("DETBATCH-0406 ");
        }
    }

    /** Tests run with assertions on: a call with too few or too many arguments fails there. */
    @Test
    void aCallWithTheWrongNumberOfArgumentsFailsUnderTest() {
        try (Captured log = new Captured(Level.ALL)) {
            assertThatThrownBy(() -> LogCode.LEASE_NOT_GIVEN_UP.log(log.logger)).isInstanceOf(AssertionError.class)
                    .hasMessage("DETBATCH-0406 takes 1 arguments, got 0");
            assertThatThrownBy(() -> LogCode.LEASE_NOT_GIVEN_UP.log(log.logger, "a", "b"))
                    .isInstanceOf(AssertionError.class);
        }
    }

    private static final class Captured extends Handler implements AutoCloseable {
        final Logger logger = Logger.getLogger(LogCodeTests.class.getName());
        final List<LogRecord> records = new CopyOnWriteArrayList<>();

        Captured(Level level) {
            logger.setUseParentHandlers(false);
            logger.setLevel(level);
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
            logger.setLevel(null);
            logger.setUseParentHandlers(true);
        }
    }
}
