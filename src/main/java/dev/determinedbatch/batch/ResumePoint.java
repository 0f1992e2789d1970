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
 * <p>The master's latest is the reported checkpoint with the most steps, so a reference further
 * than it names a checkpoint the master never learnt of: its report was left undelivered by an
 * outage and then set aside, or its spill file was lost. Resuming from it is right (the files
 * are complete), but never silent: {@code unreported} says so, and the reason tells why.
 *
 * @param reason     one sentence for the log: which candidate won and why
 * @param unreported the chosen checkpoint is not known to the Determined master
 */
record ResumePoint(CheckpointReference checkpoint, String source, String reason, boolean unreported) {

    static final String REPOSITORY = "the job repository";
    private static final String UNREPORTED = "; the master does not know that checkpoint: its report never reached"
            + " it (an outage; the client's log says where the undelivered reports were kept)";

    /** A candidate the master knows of, or whose standing with the master does not matter. */
    ResumePoint(CheckpointReference checkpoint, String source, String reason) {
        this(checkpoint, source, reason, false);
    }

    /**
     * The chosen reference first, then the other source's when it names another checkpoint: the
     * one to try when the chosen one cannot be restored. Empty when neither source has one.
     */
    static List<ResumePoint> candidates(CheckpointReference fromRepository, TrialInfo trial) {
        CheckpointReference fromMaster = trial.latestCheckpoint() == null ? null
                : new CheckpointReference(trial.latestCheckpoint(), trial.stepsCompleted());
        String master = trial.local() ? "the local checkpoint storage" : "the Determined master";
        Optional<ResumePoint> chosen = choose(fromRepository, fromMaster, master, trial.local());
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
                + " could not be restored", false));
    }

    private static Optional<ResumePoint> choose(CheckpointReference fromRepository, CheckpointReference fromMaster,
                                                String master, boolean local) {
        if (fromRepository == null && fromMaster == null) {
            return Optional.empty();
        }
        if (fromMaster == null) {
            boolean unreported = !local;
            return Optional.of(new ResumePoint(fromRepository, REPOSITORY,
                    "the job repository holds " + fromRepository + " and " + master + " knows no checkpoint of this trial"
                            + (unreported ? UNREPORTED : ""), unreported));
        }
        if (fromRepository == null) {
            return Optional.of(new ResumePoint(fromMaster, master,
                    master + " holds " + fromMaster + " and the job repository has no checkpoint for this execution",
                    false));
        }
        if (fromMaster.stepsCompleted() > fromRepository.stepsCompleted()) {
            return Optional.of(new ResumePoint(fromMaster, master, master + "'s " + fromMaster
                    + " is further than the job repository's " + fromRepository
                    + " (a chunk was checkpointed in Determined but its commit did not complete)", false));
        }
        boolean unreported = !local && fromRepository.stepsCompleted() > fromMaster.stepsCompleted();
        return Optional.of(new ResumePoint(fromRepository, REPOSITORY, "the job repository's "
                + fromRepository + " is at least as far as " + master + "'s " + fromMaster
                + (unreported ? UNREPORTED : ""), unreported));
    }
}
