package dev.determinedbatch.recovery;

/**
 * A job instance this server has claimed to restart its execution {@code executionId}: held from
 * before JBeret creates the restart's execution until that execution's owner listener takes the
 * instance over, or given back when JBeret refuses the restart ({@link LeaseKeeper#restartEnded}).
 *
 * @param instanceId -1 when the job repository holds no such execution: nothing is claimed, and
 *                   JBeret answers the restart
 */
public record RestartClaim(long instanceId, long executionId) {

    public boolean claimed() {
        return instanceId >= 0;
    }
}
