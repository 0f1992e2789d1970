package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.CheckpointReference;
import dev.determinedbatch.client.core.TrialInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The references a run resumes from, in the order they are tried. */
class ResumePointTests {

    private static final CheckpointReference A90 = new CheckpointReference("11111111-1111-4111-8111-111111111111", 90);
    private static final CheckpointReference B180 = new CheckpointReference("22222222-2222-4222-8222-222222222222", 180);

    private static TrialInfo master(CheckpointReference latest) {
        return new TrialInfo(1, 2, 2, "1.t", "cluster", latest == null ? null : latest.uuid(),
                latest == null ? 0 : latest.stepsCompleted(), null, false);
    }

    @Test
    void noReferenceNoCandidate() {
        assertThat(ResumePoint.candidates(null, master(null))).isEmpty();
    }

    @Test
    void theFurtherReferenceFirstThenTheOther() {
        assertThat(ResumePoint.candidates(A90, master(B180)))
                .extracting(ResumePoint::checkpoint, ResumePoint::source)
                .containsExactly(tuple(B180, "the Determined master"),
                        tuple(A90, "the job repository"));
        assertThat(ResumePoint.candidates(A90, master(B180)).get(1).reason()).isEqualTo("the job repository's " + A90
                + " is the other reference, tried because the Determined master's " + B180 + " could not be restored");
        assertThat(ResumePoint.candidates(B180, master(A90)))
                .extracting(ResumePoint::checkpoint).containsExactly(B180, A90);
    }

    @Test
    void oneCheckpointNamedByBothIsOneCandidate() {
        assertThat(ResumePoint.candidates(A90, master(A90))).singleElement()
                .satisfies(p -> assertThat(p.source()).isEqualTo("the job repository"));
        assertThat(ResumePoint.candidates(null, master(A90))).singleElement()
                .satisfies(p -> assertThat(p.source()).isEqualTo("the Determined master"));
    }

    @Test
    void aReferenceFurtherThanTheMastersLatestIsUsedAndSaidToBeUnreported() {
        ResumePoint point = ResumePoint.candidates(B180, master(A90)).get(0);
        assertThat(point.checkpoint()).isEqualTo(B180);
        assertThat(point.unreported()).isTrue();
        assertThat(point.reason()).contains("the master does not know that checkpoint: its report never reached it");
    }

    @Test
    void aReferenceWhenTheMasterKnowsNoCheckpointIsSaidToBeUnreported() {
        assertThat(ResumePoint.candidates(A90, master(null)).get(0).unreported()).isTrue();
    }

    @Test
    void theMastersOwnLatestIsNeverUnreported() {
        assertThat(ResumePoint.candidates(A90, master(B180)).get(0).unreported()).isFalse();
        assertThat(ResumePoint.candidates(A90, master(A90)).get(0).unreported()).isFalse();
    }

    @Test
    void localModeHasNoMasterToMiss() {
        TrialInfo local = new TrialInfo(0, 0, 2, "local.t", null, null, 0, null, true);
        assertThat(ResumePoint.candidates(A90, local).get(0).unreported()).isFalse();
    }
}
