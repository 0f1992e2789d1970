package dev.determinedbatch.it;

import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code mvn -q -Pkill-test verify -Dkills=N [-Dkill.seed=S] [-Dkill.write-share=F]}: one training
 * job through N kills with {@code kill -9} (see {@link KillRun}); {@code ceil(F * N)} of them (F
 * 0.3 by default, so 3 of 10) inside a checkpoint write, held there by the test-only write pause,
 * the others at random moments between checkpoints (after 1 to 3 checkpoints plus up to 2 s). The
 * seed is printed first, so that a failing sequence can be repeated. Not a {@code *IT}: only the
 * profile runs it; {@link RepeatedKillsIT} runs a short one in every build.
 */
class RepeatedKillsHarness {

    @Test
    void trainingSurvivesRepeatedKills() throws Exception {
        int kills = Integer.getInteger("kills", 3);
        double writeShare = Double.parseDouble(System.getProperty("kill.write-share", "0.3"));
        long seed = Long.getLong("kill.seed", new SecureRandom().nextLong());
        KillPlan plan = KillPlan.draw(seed, kills, writeShare);
        System.out.println("kill-test: seed " + seed + ", " + kills + " kills, " + plan.midWriteCount()
                + " inside a checkpoint write (repeat: -Dkill.seed=" + seed + ")");
        new KillRun(plan, "kill-test", 600).run(Path.of("target", "kill-test").toAbsolutePath());
    }
}
