package dev.determinedbatch.client;

import dev.determinedbatch.client.core.MetricReport;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.TrialInfo;
import dev.determinedbatch.client.delivery.ReportSender;
import java.util.List;
import java.util.Map;

/**
 * Reports a trial's metrics and progress: Determined's {@code core.train}. Calls return at once,
 * also while the master is unreachable (reports then wait in a spill file); the reports go out
 * in order on a sender thread. An earlier refusal by the master is thrown here.
 */
public final class Metrics {

    private final ReportSender sender;
    private final TrialInfo trial;

    Metrics(ReportSender sender, TrialInfo trial) {
        this.sender = sender;
        this.trial = trial;
    }

    public void reportTrainingMetrics(long stepsCompleted, Map<String, ?> metrics) {
        reportMetrics(MetricReport.TRAINING, stepsCompleted, metrics, null);
    }

    public void reportTrainingMetrics(long stepsCompleted, Map<String, ?> metrics, List<Map<String, Object>> batchMetrics) {
        reportMetrics(MetricReport.TRAINING, stepsCompleted, metrics, batchMetrics);
    }

    public void reportValidationMetrics(long stepsCompleted, Map<String, ?> metrics) {
        reportMetrics(MetricReport.VALIDATION, stepsCompleted, metrics, null);
    }

    /** A report of any group; Determined charts each group separately. */
    public void reportMetrics(String group, long stepsCompleted, Map<String, ?> metrics,
                              List<Map<String, Object>> batchMetrics) {
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) metrics;
        sender.report(new Report.Metrics(trial.trialId(), trial.trialRunId(),
                new MetricReport(group, stepsCompleted, values, batchMetrics)));
    }

    /** Progress of the trial, 0 to 1, as {@code report_progress}. */
    public void reportProgress(double progress) {
        if (!(progress >= 0 && progress <= 1)) {
            throw new IllegalArgumentException("progress must be between 0 and 1, got " + progress);
        }
        sender.report(new Report.Progress(trial.trialId(), progress));
    }

    /**
     * Waits until every report made so far was delivered, or, while the master is unreachable,
     * kept in the spill file; throws the first refusal.
     */
    public void flush() {
        sender.flush();
    }
}
