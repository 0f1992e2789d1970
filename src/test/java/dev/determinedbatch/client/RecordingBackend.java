package dev.determinedbatch.client;

import dev.determinedbatch.client.core.LogLine;
import dev.determinedbatch.client.core.MetricReport;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.TrialBackend;
import dev.determinedbatch.client.core.TrialInfo;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.core.TrialState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/** A backend that records every call, for the session's own mechanics (queueing, batching). */
public final class RecordingBackend implements TrialBackend {

    public final List<String> calls = new CopyOnWriteArrayList<>();
    public final List<MetricReport> reports = new CopyOnWriteArrayList<>();
    public final List<List<LogLine>> logBatches = new CopyOnWriteArrayList<>();
    public final List<Report> delivered = new CopyOnWriteArrayList<>();
    /** The reports delivered with the flag that an earlier try may have landed. */
    public final List<Report> deliveredAsRetry = new CopyOnWriteArrayList<>();
    public volatile Consumer<MetricReport> onReport = report -> { };
    /** Thrown at every delivery while set, e.g. a retryable one for an outage. */
    public volatile RuntimeException deliveryFailure;
    public volatile RuntimeException heartbeatFailure;
    public volatile RuntimeException logFailure;
    public final CountDownLatch started = new CountDownLatch(1);

    @Override
    public TrialInfo start(TrialSpec spec, Map<String, Object> storageConfig, BeforeRun beforeRun) {
        beforeRun.trialKnown("recording-trial-2");
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
    public void deliver(Report report, boolean retry) {
        RuntimeException failure = deliveryFailure;
        if (failure != null) {
            throw failure;
        }
        if (report instanceof Report.Metrics m) {
            onReport.accept(m.metrics());
            reports.add(m.metrics());
            calls.add("metrics " + m.metrics().group() + " " + m.metrics().stepsCompleted());
        } else if (report instanceof Report.Progress p) {
            calls.add("progress " + p.progress());
        } else if (report instanceof Report.Checkpoint c) {
            calls.add("checkpoint " + c.checkpoint().uuid());
        }
        delivered.add(report);
        if (retry) {
            deliveredAsRetry.add(report);
        }
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
