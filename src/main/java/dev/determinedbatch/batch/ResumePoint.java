package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.CheckpointReference;
import dev.determinedbatch.client.core.TrialInfo;
import java.util.Optional;

/**
 * Where a run continues from: of the job repository's reference (what JBeret committed with the
 * last chunk) and the master's latest checkpoint (what was last reported, e.g. by a chunk whose
 * commit failed, or before the job repository was lost), the one with more steps.
 *
 * @param reason one sentence for the log: which candidate won and why
 */
record ResumePoint(CheckpointReference checkpoint, String source, String reason) {

    static Optional<ResumePoint> choose(CheckpointReference fromRepository, TrialInfo trial) {
        CheckpointReference fromMaster = trial.latestCheckpoint() == null ? null
                : new CheckpointReference(trial.latestCheckpoint(), trial.stepsCompleted());
        String master = trial.local() ? "the local checkpoint storage" : "the Determined master";
        if (fromRepository == null && fromMaster == null) {
            return Optional.empty();
        }
        if (fromMaster == null) {
            return Optional.of(new ResumePoint(fromRepository, "the job repository",
                    "the job repository holds " + fromRepository + " and " + master + " knows no checkpoint of this trial"));
        }
        if (fromRepository == null) {
            return Optional.of(new ResumePoint(fromMaster, master,
                    master + " holds " + fromMaster + " and the job repository has no checkpoint for this execution"));
        }
        if (fromMaster.stepsCompleted() > fromRepository.stepsCompleted()) {
            return Optional.of(new ResumePoint(fromMaster, master, master + "'s " + fromMaster
                    + " is further than the job repository's " + fromRepository
                    + " (a chunk was checkpointed in Determined but its commit did not complete)"));
        }
        return Optional.of(new ResumePoint(fromRepository, "the job repository", "the job repository's "
                + fromRepository + " is at least as far as " + master + "'s " + fromMaster));
    }
}
