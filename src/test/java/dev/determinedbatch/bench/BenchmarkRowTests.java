package dev.determinedbatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BenchmarkRowTests {

    @Test
    void printsFigureFirstThenGoalAndWhatStandsBeside() {
        assertEquals("P2 100MB 0.860 goal >= 0.800  (ours 412 MB/s)",
                BenchmarkRow.atLeast("P2", "100MB", 0.86, 0.8, "ours 412 MB/s").line());
    }

    @Test
    void marksAMissedGoal() {
        assertEquals("P3 100MB 2.50 goal <= 2.00 MISSED", BenchmarkRow.atMost("P3", "100MB", 2.5, 2, "").line());
        assertEquals("P4 10MB 12.0 goal >= 10.0", BenchmarkRow.atLeast("P4", "10MB", 12, 10, null).line());
    }

    @Test
    void aFigureWithoutGoalShowsOnlyItsValue() {
        assertEquals("P5 8560  (reports/s)", BenchmarkRow.info("P5", "", 8560, "reports/s").line());
    }

    @Test
    void refusesARowWithoutFigure() {
        assertThrows(IllegalArgumentException.class, () -> BenchmarkRow.info(" ", "", 1, ""));
    }
}
