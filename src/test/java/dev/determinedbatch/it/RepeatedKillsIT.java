package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * The kill harness in short, in every build: two kills, one of them inside a checkpoint write (at
 * a phase the printed seed chooses; {@code -Dkill.seed=S} repeats it), each followed by a new
 * server and a restart; the weights end as an uninterrupted run's.
 */
class RepeatedKillsIT {

    @Test
    void trainingSurvivesAKillMidChunkAndOneInsideACheckpointWrite() throws Exception {
        long seed = Long.getLong("kill.seed", new SecureRandom().nextLong());
        KillPlan plan = KillPlan.draw(seed, 2, 0.5);
        System.out.println("kill-test: seed " + seed + " (repeat: -Dit.test=RepeatedKillsIT -Dkill.seed=" + seed + ")");
        assertThat(plan.midWriteCount()).isEqualTo(1);

        String summary = new KillRun(plan, "kill-it", 150).run(Path.of("target", "kill-it").toAbsolutePath());

        assertThat(summary).contains("2 kills, 1 inside a checkpoint write");
    }
}
