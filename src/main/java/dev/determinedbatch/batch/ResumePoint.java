package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.CheckpointReference;
import dev.determinedbatch.client.core.TrialInfo;
import java.util.Optional;

/**
 * Where a run continues from: of the job repository's reference (what JBeret committed with the
 * last chunk) and the master's latest checkpoint (what was last reported, e.g. by a chunk whose
 * commit failed, or before the job repository was lost), the one with more steps.
 *
 * <p>The master's latest is the reported checkpoint with the most steps, so a reference further
 * than it names a checkpoint the master never learnt of: its report was left undelivered by an
 * outage and then set aside, or its spill file was lost. Resuming from it is right (the files
 * are complete), but never silent: {@code unreported} says so, and the reason tells why.
 *
 * @param reason     one sentence for the log: which candidate won and why
 * @param unreported the chosen checkpoint is not known to the Determined master
 */
record ResumePoint(CheckpointReference checkpoint, String source, String reason, boolean unreported) {

    private static final String UNREPORTED = "; the master does not know that checkpoint: its report never reached"
            + " it (an outage; the client's log says where the undelivered reports were kept)";

    static Optional<ResumePoint> choose(CheckpointReference fromRepository, TrialInfo trial) {
        CheckpointReference fromMaster = trial.latestCheckpoint() == null ? null
                : new CheckpointReference(trial.latestCheckpoint(), trial.stepsCompleted());
        String master = trial.local() ? "the local checkpoint storage" : "the Determined master";
        if (fromRepository == null && fromMaster == null) {
            return Optional.empty();
        }
        if (fromMaster == null) {
            boolean unreported = !trial.local();
            return Optional.of(new ResumePoint(fromRepository, "the job repository",
                    "the job repository holds " + fromRepository + " and " + master + " knows no checkpoint of this trial"
                            + (unreported ? UNREPORTED : ""), unreported));
        }
        if (fromRepository == null) {
            return Optional.of(new ResumePoint(fromMaster, master,
                    master + " holds " + fromMaster + " and the job repository has no checkpoint for this execution", false));
        }
        if (fromMaster.stepsCompleted() > fromRepository.stepsCompleted()) {
            return Optional.of(new ResumePoint(fromMaster, master, master + "'s " + fromMaster
                    + " is further than the job repository's " + fromRepository
                    + " (a chunk was checkpointed in Determined but its commit did not complete)", false));
        }
        boolean unreported = !trial.local() && fromRepository.stepsCompleted() > fromMaster.stepsCompleted();
        return Optional.of(new ResumePoint(fromRepository, "the job repository", "the job repository's "
                + fromRepository + " is at least as far as " + master + "'s " + fromMaster
                + (unreported ? UNREPORTED : ""), unreported));
    }
}
