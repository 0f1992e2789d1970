package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.CheckpointReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Finds a checkpoint that restores when the preferred one does not (a corrupt or deleted file, a
 * checkpoint of another trial or format): the references in their order, then the trial's other
 * checkpoints in storage that are not further than the preferred one, newest first. A checkpoint
 * further than both references was never committed nor reported as latest, so it is not a
 * candidate. Each skip is reported as it happens; when nothing restores, the failure lists
 * everything tried, so an operator sees why the run did not start.
 */
final class ResumeFallback {

    static final String STORAGE = "the checkpoint storage";

    /** The checkpoint resumed from and what restoring it gave. */
    record Resumed<T>(ResumePoint point, T restored) {
    }

    private final String trial;
    private final Consumer<String> warnings;

    /**
     * @param trial    names the trial in messages
     * @param warnings receives one sentence per skipped checkpoint
     */
    ResumeFallback(String trial, Consumer<String> warnings) {
        this.trial = trial;
        this.warnings = warnings;
    }

    /**
     * @param references       the references, preferred first ({@link ResumePoint#candidates}); not empty
     * @param trialCheckpoints the trial's checkpoints in storage, in any order; asked only when
     *                         every reference fails, since listing a shared storage reads every
     *                         checkpoint's metadata
     * @param restore          restores one candidate; a {@link RuntimeException} means it is not good
     * @throws IllegalStateException when no candidate restores, listing each tried and why; their
     *                               failures are suppressed in it
     */
    <T> Resumed<T> firstGood(List<ResumePoint> references, Supplier<List<CheckpointReference>> trialCheckpoints,
                             Function<ResumePoint, T> restore) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("no reference to resume from");
        }
        Attempts attempts = new Attempts();
        for (ResumePoint point : references) {
            Resumed<T> resumed = attempts.restore(point, restore);
            if (resumed != null) {
                return resumed;
            }
        }
        CheckpointReference preferred = references.get(0).checkpoint();
        for (CheckpointReference older : olderThan(preferred, trialCheckpoints, attempts)) {
            Resumed<T> resumed = attempts.restore(new ResumePoint(older, STORAGE, "the newest checkpoint of the trial"
                    + " in " + STORAGE + " at or before step " + preferred.stepsCompleted()
                    + " that restores; skipped: " + String.join(", ", attempts.skipped)), restore);
            if (resumed != null) {
                return resumed;
            }
        }
        IllegalStateException none = new IllegalStateException(trial + ": no checkpoint could be restored; tried "
                + String.join("; ", attempts.tried) + (attempts.note == null ? "" : "; " + attempts.note));
        attempts.failures.forEach(none::addSuppressed);
        throw none;
    }

    private List<CheckpointReference> olderThan(CheckpointReference preferred,
                                                Supplier<List<CheckpointReference>> trialCheckpoints,
                                                Attempts attempts) {
        List<CheckpointReference> older;
        try {
            older = trialCheckpoints.get().stream()
                    .filter(c -> !attempts.uuids.contains(c.uuid()) && c.stepsCompleted() <= preferred.stepsCompleted())
                    .sorted(Comparator.comparingLong(CheckpointReference::stepsCompleted).reversed()
                            .thenComparing(CheckpointReference::uuid))
                    .toList();
        } catch (RuntimeException failure) {
            attempts.note = "listing the trial's older checkpoints in " + STORAGE + " failed: " + why(failure);
            attempts.failures.add(failure);
            warnings.accept(trial + ": " + attempts.note);
            return List.of();
        }
        if (older.isEmpty()) {
            attempts.note = STORAGE + " holds no other checkpoint of the trial at or before step "
                    + preferred.stepsCompleted();
        }
        return older;
    }

    private static String why(RuntimeException failure) {
        return failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage();
    }

    /** What was tried so far. */
    private final class Attempts {
        final List<String> tried = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();
        final Set<String> uuids = new HashSet<>();
        final List<RuntimeException> failures = new ArrayList<>();
        String note;

        <T> Resumed<T> restore(ResumePoint point, Function<ResumePoint, T> restore) {
            uuids.add(point.checkpoint().uuid());
            try {
                return new Resumed<>(point, restore.apply(point));
            } catch (RuntimeException failure) {
                String candidate = point.checkpoint() + " (" + point.source() + ")";
                skipped.add(candidate);
                tried.add(candidate + ": " + why(failure));
                failures.add(failure);
                warnings.accept(trial + ": skipping checkpoint " + candidate + ", it cannot be restored: " + why(failure));
                return null;
            }
        }
    }
}
