package dev.determinedbatch.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.batch.support.CheckpointReference;
import dev.determinedbatch.client.core.TrialInfo;
import org.junit.jupiter.api.Test;

/** The further checkpoint wins; one the master never learnt of is never resumed from silently. */
class ResumePointTests {

    private static final String A = "0b6f2a54-7c2e-4402-8e77-88a7e8988b22";
    private static final String B = "1c7f3b65-8d3f-4513-9f88-99b8f9a99c33";

    @Test
    void theMastersLatestWinsWhenItIsFurther() {
        ResumePoint point = ResumePoint.choose(new CheckpointReference(A, 90), master(B, 180)).orElseThrow();
        assertThat(point.checkpoint().uuid()).isEqualTo(B);
        assertThat(point.unreported()).isFalse();
    }

    @Test
    void aReferenceFurtherThanTheMastersLatestIsUsedAndSaidToBeUnreported() {
        ResumePoint point = ResumePoint.choose(new CheckpointReference(A, 180), master(B, 90)).orElseThrow();
        assertThat(point.checkpoint().uuid()).isEqualTo(A);
        assertThat(point.unreported()).isTrue();
        assertThat(point.reason()).contains("the master does not know that checkpoint: its report never reached it");
    }

    @Test
    void aReferenceWhenTheMasterKnowsNoCheckpointIsSaidToBeUnreported() {
        ResumePoint point = ResumePoint.choose(new CheckpointReference(A, 90), master(null, 0)).orElseThrow();
        assertThat(point.unreported()).isTrue();
    }

    @Test
    void theSameCheckpointInBothIsReported() {
        ResumePoint point = ResumePoint.choose(new CheckpointReference(A, 90), master(A, 90)).orElseThrow();
        assertThat(point.source()).isEqualTo("the job repository");
        assertThat(point.unreported()).isFalse();
    }

    @Test
    void localModeHasNoMasterToMiss() {
        TrialInfo local = new TrialInfo(0, 0, 2, "local.t", null, null, 0, null, true);
        assertThat(ResumePoint.choose(new CheckpointReference(A, 90), local).orElseThrow().unreported()).isFalse();
    }

    private static TrialInfo master(String latest, long steps) {
        return new TrialInfo(1, 2, 2, "1.t", "c", latest, steps, 1L, false);
    }
}
