package dev.determinedbatch.recovery;

/**
 * Ends the Determined trial of an execution that crash recovery marked FAILED, as Determined ends a
 * failed trial (ERROR): the master has no reaper for unmanaged trials, so without it the trial of
 * a crashed server would show RUNNING for good. Recovery calls it on the lease's thread, so it
 * must not wait on the network: it makes the mark durable (the client's spill) and leaves the
 * delivery to the background.
 */
@FunctionalInterface
public interface TrialReaper {

    /** Leaves every trial as it is: for servers and tests without a Determined client. */
    TrialReaper NONE = trial -> false;

    /**
     * Marks the trial ERROR, or durably queues the mark for delivery.
     *
     * @return true when done (the trial's record is then dropped), false to be asked again at the
     *         next recovery pass (the record stays)
     * @throws Exception when it failed; asked again at the next pass
     */
    boolean reap(ExecutionTrial trial) throws Exception;
}
