package dev.determinedbatch.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailedExitStatusTests {

    @Test
    void namesTheFailureAndFitsJBeretsColumn() {
        assertThat(FailedExitStatus.of(new IllegalArgumentException("job parameter 'epochs' must be an integer, got 'x'")))
                .isEqualTo("FAILED: job parameter 'epochs' must be an integer, got 'x'");
        assertThat(FailedExitStatus.of(new NullPointerException())).isEqualTo("FAILED: java.lang.NullPointerException");

        String cut = FailedExitStatus.of(new IllegalStateException("tried " + "x".repeat(1000)));
        assertThat(cut).hasSize(FailedExitStatus.MAX_LENGTH).startsWith("FAILED: tried xxx").endsWith("x ...");
        String fits = "y".repeat(FailedExitStatus.MAX_LENGTH - "FAILED: ".length());
        assertThat(FailedExitStatus.of(new IllegalStateException(fits))).isEqualTo("FAILED: " + fits);
    }
}
