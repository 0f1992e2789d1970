package dev.determinedbatch.client.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.storage.StoredCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which checkpoints the queue still holds a report of, which is what keeps them from deletion. */
class ReportQueueTests {

    private static final String FIRST = "0b6f2a54-7c2e-4402-8e77-88a7e8988b22";
    private static final String SECOND = "7d0e2f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6";

    @TempDir
    Path dir;

    @Test
    void aCheckpointIsHeldFromItsReportUntilTheMasterHasIt() throws Exception {
        ReportQueue queue = new ReportQueue(ReportSpill.forTrial(dir, "t"), 10);
        assertThat(queue.holdsCheckpoint(FIRST)).isFalse();

        queue.add(checkpoint(FIRST), false);
        assertThat(queue.holdsCheckpoint(FIRST)).isTrue();

        queue.done(queue.next(), null);
        assertThat(queue.holdsCheckpoint(FIRST)).isFalse();
    }

    @Test
    void aDeliveredCheckpointIsNotHeldWhileLaterSpilledReportsWait() throws Exception {
        ReportQueue queue = new ReportQueue(ReportSpill.forTrial(dir, "t"), 10);
        queue.add(checkpoint(FIRST), false);
        queue.add(checkpoint(SECOND), false);
        queue.unreachable(); // both go to the spill file

        queue.done(queue.next(), null); // the first is delivered; its line stays in the file until it drains

        assertThat(queue.holdsCheckpoint(FIRST)).isFalse();
        assertThat(queue.holdsCheckpoint(SECOND)).isTrue();
    }

    private static Report checkpoint(String uuid) throws IOException {
        return new Report.Checkpoint("3.t", 4L, new StoredCheckpoint(uuid, Map.of("steps_completed", 40L), Map.of()),
                Instant.parse("2026-11-29T13:38:34.899012Z"));
    }
}
