package dev.determinedbatch.client;

import dev.determinedbatch.client.core.LogLine;
import dev.determinedbatch.client.core.MetricReport;
import dev.determinedbatch.client.core.TrialBackend;
import dev.determinedbatch.client.core.TrialInfo;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.storage.StoredCheckpoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/** A backend that records every call, for the session's own mechanics (queueing, batching). */
final class RecordingBackend implements TrialBackend {

    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<MetricReport> reports = new CopyOnWriteArrayList<>();
    final List<List<LogLine>> logBatches = new CopyOnWriteArrayList<>();
    volatile Consumer<MetricReport> onReport = report -> { };
    volatile RuntimeException heartbeatFailure;
    volatile RuntimeException logFailure;
    final CountDownLatch started = new CountDownLatch(1);

    @Override
    public TrialInfo start(TrialSpec spec, Map<String, Object> storageConfig) {
        calls.add("start");
        started.countDown();
        return new TrialInfo(1, 2, 1, "1.t", "c", null, 0, null, false);
    }

    @Override
    public void heartbeat() {
        calls.add("heartbeat");
        if (heartbeatFailure != null) {
            throw heartbeatFailure;
        }
    }

    @Override
    public void reportMetrics(MetricReport report) {
        onReport.accept(report);
        reports.add(report);
        calls.add("metrics " + report.group() + " " + report.stepsCompleted());
    }

    @Override
    public void reportProgress(double progress) {
        calls.add("progress " + progress);
    }

    @Override
    public void reportCheckpoint(StoredCheckpoint checkpoint, Instant reportTime) {
        calls.add("checkpoint " + checkpoint.uuid());
    }

    @Override
    public void deleteCheckpoints(List<String> uuids) {
        calls.add("delete " + uuids);
    }

    @Override
    public void setState(TrialState state) {
        calls.add("state " + state);
    }

    @Override
    public void shipLogs(List<LogLine> lines) {
        if (logFailure != null) {
            throw logFailure;
        }
        logBatches.add(List.copyOf(lines));
        calls.add("logs " + lines.size());
    }
}
