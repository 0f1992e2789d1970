package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.storage.StoreObserver.Phase;
import org.junit.jupiter.api.Test;

/** The kill plan: a fixed share inside checkpoint writes, all phases covered, repeatable from its seed. */
class KillPlanTests {

    @Test
    void tenKillsAtTheDefaultShareHoldThreeMidWriteKillsOneAtEachPhase() {
        for (long seed = 0; seed < 50; seed++) {
            KillPlan plan = KillPlan.draw(seed, 10, 0.3);

            assertThat(plan.kills()).hasSize(10);
            assertThat(plan.kills()).filteredOn(KillPlan.Kill::midWrite).extracting(KillPlan.Kill::phase)
                    .as("seed " + seed).containsExactlyInAnyOrder(Phase.values());
            assertThat(plan.kills()).filteredOn(k -> !k.midWrite())
                    .allSatisfy(k -> assertThat(k.checkpointsBefore()).isBetween(1, 3));
            // the first kill never comes before the first checkpoint, so every restart can resume
            assertThat(plan.kills().get(0).checkpointsBefore()).isPositive();
        }
    }

    @Test
    void theSameSeedDrawsTheSamePlan() {
        assertThat(KillPlan.draw(7, 10, 0.3)).isEqualTo(KillPlan.draw(7, 10, 0.3));
        assertThat(KillPlan.draw(7, 2, 0.5).midWriteCount()).isEqualTo(1);
        assertThat(KillPlan.draw(7, 4, 0).midWriteCount()).isZero();
        assertThat(KillPlan.draw(7, 4, 1).midWriteCount()).isEqualTo(4);
    }

    @Test
    void aShareOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> KillPlan.draw(1, 3, 1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("write share");
    }
}
