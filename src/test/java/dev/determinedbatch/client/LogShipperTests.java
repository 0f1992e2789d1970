package dev.determinedbatch.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.LogLine;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogShipperTests {

    private final RecordingBackend backend = new RecordingBackend();
    private final ManualScheduler time = new ManualScheduler();

    @Test
    void shipsEverySecondAndOnClose() {
        LogShipper shipper = new LogShipper(backend, time, time, Duration.ofSeconds(1), 1000);
        shipper.append("first line\nsecond line\n");
        assertThat(backend.logBatches).isEmpty();
        time.advance(Duration.ofSeconds(1));
        shipper.append("third");
        shipper.close(Duration.ofSeconds(10));
        List<String> shipped = backend.logBatches.stream().flatMap(List::stream).map(LogLine::text).toList();
        assertThat(shipped).containsExactly("first line", "second line", "third");
        assertThat(time.pending()).isZero();
    }

    @Test
    void shipsAFullBatchOfLinesWithoutWaitingForTheTick() {
        LogShipper shipper = new LogShipper(backend, time, time, Duration.ofSeconds(1), 3);
        for (int i = 0; i < 7; i++) {
            shipper.append("line " + i);
        }
        shipper.close(Duration.ofSeconds(10));
        assertThat(backend.logBatches).extracting(List::size).allMatch(size -> size <= 3);
        assertThat(backend.logBatches.stream().mapToInt(List::size).sum()).isEqualTo(7);
    }

    @Test
    void keepsLinesThatFailedToShipForTheNextTry() {
        LogShipper shipper = new LogShipper(backend, time, time, Duration.ofSeconds(1), 1000);
        backend.logFailure = new DeterminedException("master down");
        shipper.append("kept");
        time.advance(Duration.ofSeconds(1));
        backend.logFailure = null;
        shipper.close(Duration.ofSeconds(10));
        assertThat(backend.logBatches).hasSize(1);
        assertThat(backend.logBatches.get(0)).extracting(LogLine::text).containsExactly("kept");
    }
}
