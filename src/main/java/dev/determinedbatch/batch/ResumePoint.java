package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.CheckpointReference;
import dev.determinedbatch.client.core.TrialInfo;
import java.util.List;
import java.util.Optional;

/**
 * Where a run continues from: of the job repository's reference (what JBeret committed with the
 * last chunk) and the master's latest checkpoint (what was last reported, e.g. by a chunk whose
 * commit failed, or before the job repository was lost), the one with more steps; the other is the
 * first fallback (see {@link ResumeFallback}).
 *
 * @param reason one sentence for the log: which candidate won and why
 */
record ResumePoint(CheckpointReference checkpoint, String source, String reason) {

    static final String REPOSITORY = "the job repository";

    /**
     * The chosen reference first, then the other source's when it names another checkpoint: the
     * one to try when the chosen one cannot be restored. Empty when neither source has one.
     */
    static List<ResumePoint> candidates(CheckpointReference fromRepository, TrialInfo trial) {
        CheckpointReference fromMaster = trial.latestCheckpoint() == null ? null
                : new CheckpointReference(trial.latestCheckpoint(), trial.stepsCompleted());
        String master = trial.local() ? "the local checkpoint storage" : "the Determined master";
        Optional<ResumePoint> chosen = choose(fromRepository, fromMaster, master);
        if (chosen.isEmpty()) {
            return List.of();
        }
        ResumePoint first = chosen.get();
        boolean repositoryChosen = first.source().equals(REPOSITORY);
        CheckpointReference other = repositoryChosen ? fromMaster : fromRepository;
        if (other == null || other.uuid().equals(first.checkpoint().uuid())) {
            return List.of(first);
        }
        String otherSource = repositoryChosen ? master : REPOSITORY;
        return List.of(first, new ResumePoint(other, otherSource, otherSource + "'s " + other
                + " is the other reference, tried because " + first.source() + "'s " + first.checkpoint()
                + " could not be restored"));
    }

    private static Optional<ResumePoint> choose(CheckpointReference fromRepository, CheckpointReference fromMaster,
                                                String master) {
        if (fromRepository == null && fromMaster == null) {
            return Optional.empty();
        }
        if (fromMaster == null) {
            return Optional.of(new ResumePoint(fromRepository, REPOSITORY,
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
        return Optional.of(new ResumePoint(fromRepository, REPOSITORY, "the job repository's "
                + fromRepository + " is at least as far as " + master + "'s " + fromMaster));
    }
}
