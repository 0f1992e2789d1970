package dev.determinedbatch.it;

import dev.determinedbatch.storage.StoreObserver.Phase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * When each kill of a kill run lands, all drawn from one seed so that a run can be repeated:
 * {@code ceil(writeShare * kills)} of them inside a checkpoint write (at phases taken in turn from
 * a random first one, so three mid-write kills cover all three), the others at random moments
 * between checkpoints.
 */
record KillPlan(long seed, List<Kill> kills) {

    /**
     * One kill.
     *
     * @param checkpointsBefore checkpoints to await first: before the arm of a mid-write kill
     *                          (at least one for the first kill, so that every restart has a
     *                          checkpoint to resume from), before the pause of a mid-chunk one
     * @param extraMillis       mid-chunk only: the pause after those checkpoints
     * @param phase             where a mid-write kill holds the write; null for a mid-chunk kill
     */
    record Kill(int number, int checkpointsBefore, long extraMillis, Phase phase) {

        boolean midWrite() {
            return phase != null;
        }
    }

    static KillPlan draw(long seed, int kills, double writeShare) {
        if (kills < 0 || writeShare < 0 || writeShare > 1) {
            throw new IllegalArgumentException("kills must be >= 0 and the write share within 0..1, got " + kills
                    + " and " + writeShare);
        }
        Random random = new Random(seed);
        // the tolerance keeps 0.3 * 10 at 3, not 4
        int midWrite = (int) Math.ceil(writeShare * kills - 1e-9);
        List<Integer> order = new ArrayList<>();
        for (int i = 1; i <= kills; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<Integer> inWrites = order.subList(0, midWrite);
        int phase = random.nextInt(Phase.values().length);
        List<Kill> plan = new ArrayList<>();
        for (int number = 1; number <= kills; number++) {
            if (inWrites.contains(number)) {
                int before = random.nextInt(3);
                plan.add(new Kill(number, number == 1 ? Math.max(1, before) : before, 0,
                        Phase.values()[phase++ % Phase.values().length]));
            } else {
                plan.add(new Kill(number, 1 + random.nextInt(3), random.nextInt(2000), null));
            }
        }
        return new KillPlan(seed, List.copyOf(plan));
    }

    long midWriteCount() {
        return kills.stream().filter(Kill::midWrite).count();
    }
}
