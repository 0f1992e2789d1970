package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.CheckpointReference;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Choosing the checkpoint to resume from when the preferred one does not restore. */
class ResumeFallbackTests {

    private static final CheckpointReference M180 = ref("11111111-1111-4111-8111-111111111111", 180);
    private static final CheckpointReference R90 = ref("22222222-2222-4222-8222-222222222222", 90);
    private static final CheckpointReference S270 = ref("33333333-3333-4333-8333-333333333333", 270);
    private static final CheckpointReference S90 = ref("44444444-4444-4444-8444-444444444444", 90);
    private static final CheckpointReference S0 = ref("55555555-5555-4555-8555-555555555555", 0);
    private static final CheckpointReference S180 = ref("66666666-6666-4666-8666-666666666666", 180);

    private static final List<ResumePoint> REFERENCES = List.of(
            new ResumePoint(M180, "the Determined master", "it is further"),
            new ResumePoint(R90, ResumePoint.REPOSITORY, "the other reference"));

    private final List<String> warnings = new ArrayList<>();
    private final List<CheckpointReference> tried = new ArrayList<>();
    private final ResumeFallback fallback = new ResumeFallback("trial exp/t-1", warnings::add);

    /** Restores to its uuid, except the bad ones, which fail with their reason. */
    private Function<ResumePoint, String> restoring(Map<CheckpointReference, String> bad) {
        return point -> {
            tried.add(point.checkpoint());
            String why = bad.get(point.checkpoint());
            if (why != null) {
                throw new UncheckedIOException(why, new java.io.IOException(why));
            }
            return point.checkpoint().uuid();
        };
    }

    private static Supplier<List<CheckpointReference>> listing(CheckpointReference... checkpoints) {
        return () -> List.of(checkpoints);
    }

    @Test
    void thePreferredOneRestoresWithoutListingOrWarning() {
        AtomicInteger listings = new AtomicInteger();
        ResumeFallback.Resumed<String> resumed = fallback.firstGood(REFERENCES,
                () -> { listings.incrementAndGet(); return List.of(); }, restoring(Map.of()));

        assertThat(resumed.point()).isEqualTo(REFERENCES.get(0));
        assertThat(resumed.restored()).isEqualTo(M180.uuid());
        assertThat(listings).hasValue(0);
        assertThat(warnings).isEmpty();
    }

    @Test
    void aCorruptPreferredOneIsSkippedWithAWarningForTheOtherReference() {
        ResumeFallback.Resumed<String> resumed = fallback.firstGood(REFERENCES, listing(),
                restoring(Map.of(M180, "checkpoint " + M180.uuid() + " is corrupt: model.safetensors: size 5, expected 10")));

        assertThat(resumed.point()).isEqualTo(REFERENCES.get(1));
        assertThat(tried).containsExactly(M180, R90);
        assertThat(warnings).containsExactly("trial exp/t-1: skipping checkpoint " + M180 + " (the Determined master),"
                + " it cannot be restored: checkpoint " + M180.uuid() + " is corrupt: model.safetensors: size 5, expected 10");
    }

    @Test
    void whenBothReferencesFailTheTrialsOlderCheckpointsAreTriedNewestFirst() {
        // S270 is further than any reference (never committed nor latest); M180 and R90 are already tried
        ResumeFallback.Resumed<String> resumed = fallback.firstGood(REFERENCES,
                listing(S0, S270, R90, S90, M180, S180),
                restoring(Map.of(M180, "crc mismatch", R90, "missing", S180, "deleted meanwhile")));

        assertThat(tried).containsExactly(M180, R90, S180, S90);
        assertThat(resumed.point().checkpoint()).isEqualTo(S90);
        assertThat(resumed.point().source()).isEqualTo(ResumeFallback.STORAGE);
        assertThat(resumed.point().reason()).isEqualTo("the newest checkpoint of the trial in the checkpoint storage"
                + " at or before step 180 that restores; skipped: " + M180 + " (the Determined master), "
                + R90 + " (the job repository), " + S180 + " (the checkpoint storage)");
        assertThat(warnings).hasSize(3).allSatisfy(w -> assertThat(w).startsWith("trial exp/t-1: skipping checkpoint "))
                .anySatisfy(w -> assertThat(w).endsWith(S180 + " (the checkpoint storage), it cannot be restored: deleted meanwhile"));
    }

    @Test
    void whenNoneIsGoodTheFailureListsEverythingTried() {
        Map<CheckpointReference, String> bad = Map.of(M180, "crc mismatch", R90, "missing", S90, "size 1, expected 2",
                S0, "belongs to another trial");

        assertThatThrownBy(() -> fallback.firstGood(REFERENCES, listing(S90, S0), restoring(bad)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("trial exp/t-1: no checkpoint could be restored; tried "
                        + M180 + " (the Determined master): crc mismatch; "
                        + R90 + " (the job repository): missing; "
                        + S90 + " (the checkpoint storage): size 1, expected 2; "
                        + S0 + " (the checkpoint storage): belongs to another trial")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(4));
        assertThat(warnings).hasSize(4);
    }

    @Test
    void whenTheStorageHoldsNothingOlderTheFailureSaysSo() {
        assertThatThrownBy(() -> fallback.firstGood(REFERENCES.subList(0, 1), listing(M180, S270),
                restoring(Map.of(M180, "crc mismatch"))))
                .hasMessage("trial exp/t-1: no checkpoint could be restored; tried " + M180
                        + " (the Determined master): crc mismatch; the checkpoint storage holds no other"
                        + " checkpoint of the trial at or before step 180");
    }

    @Test
    void aFailingListingIsWarnedAndNamedInTheFailure() {
        assertThatThrownBy(() -> fallback.firstGood(REFERENCES, () -> {
            throw new UncheckedIOException("listing checkpoints in /data failed", new java.io.IOException("EIO"));
        }, restoring(Map.of(M180, "crc mismatch", R90, "missing"))))
                .hasMessageEndingWith("; listing the trial's older checkpoints in the checkpoint storage failed:"
                        + " listing checkpoints in /data failed")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(3));
        assertThat(warnings).last().isEqualTo("trial exp/t-1: listing the trial's older checkpoints in the"
                + " checkpoint storage failed: listing checkpoints in /data failed");
    }

    private static CheckpointReference ref(String uuid, long steps) {
        return new CheckpointReference(uuid, steps);
    }
}
