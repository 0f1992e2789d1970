package dev.determinedbatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchmarkOptionsTests {

    @Test
    void onlyNamesFiguresWhateverTheirCaseAndSpacing() {
        assertEquals(Set.of("P4", "P6"), BenchmarkOptions.figures(" p4, P6 ,"));
        BenchmarkOptions options = new BenchmarkOptions(false, Set.of("P4", "P6"), Path.of("j"), Path.of("w"), Path.of("d"));
        assertTrue(options.runs("p4"));
        assertFalse(options.runs("P1"));
    }

    @Test
    void noFigureNamedRunsEveryFigure() {
        BenchmarkOptions options = new BenchmarkOptions(true, BenchmarkOptions.figures(""), Path.of("j"), Path.of("w"), Path.of("d"));
        assertTrue(options.runs("P1"));
        assertEquals(2, options.pick(7, 2));
    }

    @Test
    void everyFigureHasItsOwnPlaceAndOneOfTheIssuesNames() {
        assertTrue(Benchmarks.figures().stream().allMatch(f -> f.name().matches("P[1-7]|S1")));
    }

    @Test
    void aStateOfTenMegabytesHasAHiddenLayerOfThatSize() {
        long bytes = 2L * 4 * (75L * StateSizes.hiddenUnitsFor(10) + 10);
        assertEquals(10 << 20, bytes, 1000);
    }
}
