package dev.determinedbatch.client.core;

import dev.determinedbatch.storage.StoredCheckpoint;
import java.time.Instant;

/**
 * A report to the trial's record, carrying what names where it was made (trial, run, task,
 * storage), so that it can be delivered late: after an outage, or by a later session of the same
 * trial, or the leftover courier, when the session that made it ended first.
 */
public sealed interface Report {

    /** For logs and errors, e.g. {@code training metrics at step 5 of run 1}. */
    String describe();

    /** Metrics of one group at one step, made in run {@code trialRunId}. */
    record Metrics(long trialId, int trialRunId, MetricReport metrics) implements Report {
        @Override
        public String describe() {
            return metrics.group() + " metrics at step " + metrics.stepsCompleted() + " of run " + trialRunId;
        }
    }

    /** {@code report_progress}: the trial's progress, 0 to 1. */
    record Progress(long trialId, double progress) implements Report {
        @Override
        public String describe() {
            return "progress " + progress;
        }
    }

    /** A complete, durable checkpoint of the task {@code taskId}. */
    record Checkpoint(String taskId, Long storageId, StoredCheckpoint checkpoint, Instant reportTime)
            implements Report {
        @Override
        public String describe() {
            return "checkpoint " + checkpoint.uuid() + " (steps_completed " + checkpoint.stepsCompleted() + ")";
        }
    }

    /**
     * The state a run ended the trial in (COMPLETED, ERROR, PAUSED), which its session could not
     * send because the master was unreachable at close. It follows the run's last report.
     */
    record FinalState(long trialId, int trialRunId, TrialState state) implements Report {
        @Override
        public String describe() {
            return "final state " + state.wireName() + " of run " + trialRunId;
        }
    }
}
