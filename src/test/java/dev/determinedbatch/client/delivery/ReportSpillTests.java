package dev.determinedbatch.client.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.client.CapturedLog;
import dev.determinedbatch.client.core.MetricReport;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.json.PythonJson;
import dev.determinedbatch.storage.StoredCheckpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spill file: appended in batches, read back in order, torn tails ignored, gone once drained. */
class ReportSpillTests {

    @TempDir
    Path dir;

    @Test
    void linesAreReadBackInTheOrderTheyWereAppended() throws IOException {
        ReportSpill spill = ReportSpill.forTrial(dir, "master-c-trial-7");
        spill.append(List.of("a", "b"));
        spill.append(List.of("c"));
        spill.append(List.of());

        assertThat(spill.file()).isEqualTo(dir.resolve("master-c-trial-7.jsonl"));
        assertThat(ReportSpill.readAll(spill.file())).containsExactly("a", "b", "c");
        List<String> handedOut = new ArrayList<>();
        while (spill.hasUnread()) {
            handedOut.add(spill.readNext().text());
        }
        assertThat(handedOut).containsExactly("a", "b", "c");
    }

    @Test
    void aLongLineIsReadWhole() throws IOException {
        ReportSpill spill = new ReportSpill(dir.resolve("t.jsonl"));
        String longLine = "x".repeat(20_000);
        spill.append(List.of(longLine, "next"));
        assertThat(spill.readNext().text()).isEqualTo(longLine);
        assertThat(spill.readNext().text()).isEqualTo("next");
    }

    @Test
    void aTornLastLineAfterACrashIsIgnoredWithAWarning() throws IOException {
        Path file = dir.resolve("t.jsonl");
        new ReportSpill(file).append(List.of("{\"seq\": 0}", "{\"seq\": 1}"));
        // the process died in the middle of its next append
        Files.writeString(file, "{\"seq\": 2, \"kin", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        try (CapturedLog log = CapturedLog.of(ReportSpill.class)) {
            assertThat(ReportSpill.readAll(file)).containsExactly("{\"seq\": 0}", "{\"seq\": 1}");
            assertThat(log.warnings()).singleElement().asString()
                    .contains("ignored a torn last line (15 bytes)").contains(file.toString());
        }
        // appending after it never glues a new line to the torn one
        ReportSpill.appendTo(file, List.of("{\"seq\": 3}"));
        assertThat(ReportSpill.readAll(file)).containsExactly("{\"seq\": 0}", "{\"seq\": 1}", "{\"seq\": 2, \"kin",
                "{\"seq\": 3}");
    }

    @Test
    void theFileIsRemovedOnceEveryLineWasDelivered() throws IOException {
        ReportSpill spill = new ReportSpill(dir.resolve("t.jsonl"));
        spill.append(List.of("a", "b"));
        spill.delivered(spill.readNext());
        assertThat(spill.file()).exists();
        ReportSpill.Line last = spill.readNext();
        spill.append(List.of("c")); // arrives while the last one is in flight
        spill.delivered(last);
        assertThat(spill.file()).exists();
        spill.delivered(spill.readNext());
        assertThat(spill.file()).doesNotExist();

        spill.append(List.of("d")); // a new outage starts a new file
        assertThat(ReportSpill.readAll(spill.file())).containsExactly("d");
    }

    @Test
    void keepLeavesOnlyWhatWasNotDeliveredThenWhatWasInMemory() throws IOException {
        ReportSpill spill = new ReportSpill(dir.resolve("t.jsonl"));
        spill.append(List.of("1", "2", "3"));
        spill.delivered(spill.readNext());
        ReportSpill.Line inFlight = spill.readNext();

        spill.keep(inFlight.start(), List.of("4", "5"));

        assertThat(ReportSpill.readAll(spill.file())).containsExactly("2", "3", "4", "5");
        assertThat(dir.resolve("t.jsonl.next")).doesNotExist();
    }

    @Test
    void reportsReadBackEqualToWhatWasWrittenAndGoOutWithTheSameBytes() {
        Map<String, Object> avg = new LinkedHashMap<>();
        avg.put("loss", Double.NaN);
        avg.put("top", Double.POSITIVE_INFINITY);
        avg.put("count", 3L);
        avg.put("ratio", 1.0);
        avg.put("name", "h\u00e9llo\nworld");
        avg.put("nested", Map.of("a", List.of(1L, 2.5)));
        avg.put("none", null);
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("loss", 0.25);
        Report metrics = new Report.Metrics(7, 2, new MetricReport("training", 40, avg, List.of(batch)));
        Report progress = new Report.Progress(7, 0.5);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("steps_completed", 40L);
        Report checkpoint = new Report.Checkpoint("3.t", 4L, new StoredCheckpoint(
                "0b6f2a54-7c2e-4402-8e77-88a7e8988b22", metadata, Map.of("state", 10L, "sub/", 0L)),
                Instant.parse("2026-11-29T13:38:34.899012Z"));

        for (Report report : List.of(metrics, progress, checkpoint)) {
            String line = ReportLines.write(41, report);
            assertThat(line).doesNotContain("\n").matches("\\p{ASCII}*");
            ReportLines.Numbered read = ReportLines.read(line);
            assertThat(read.seq()).isEqualTo(41);
            assertThat(PythonJson.wire(fields(read.report()))).isEqualTo(PythonJson.wire(fields(report)));
        }
        assertThat(((Report.Metrics) ReportLines.read(ReportLines.write(0, metrics)).report()).metrics().avgMetrics())
                .containsEntry("count", 3L).containsEntry("ratio", 1.0).hasEntrySatisfying("loss",
                        loss -> assertThat((Double) loss).isNaN());
    }

    private static Object fields(Report report) {
        if (report instanceof Report.Metrics m) {
            return List.of(m.trialId(), m.trialRunId(), m.metrics().group(), m.metrics().stepsCompleted(),
                    m.metrics().avgMetrics(), m.metrics().batchMetrics());
        }
        if (report instanceof Report.Checkpoint c) {
            return List.of(c.taskId(), c.storageId(), c.checkpoint().uuid(), c.checkpoint().metadata(),
                    c.checkpoint().resources(), c.reportTime().toString());
        }
        Report.Progress p = (Report.Progress) report;
        return List.of(p.trialId(), p.progress());
    }
}
