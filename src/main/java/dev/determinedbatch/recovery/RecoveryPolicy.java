package dev.determinedbatch.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Which running executions a server may mark FAILED: those whose owner is lost, never one that a
 * live server owns or may still be about to own. No database here, so that every case is a unit test.
 */
public final class RecoveryPolicy {

    private final Duration timeout;
    private final Duration clockTolerance;
    private final LocalProcesses processes;

    /**
     * @param timeout        a lease not renewed for this long is lost
     * @param clockTolerance how far another server's clock may be from the one that wrote an
     *                       execution's create time
     */
    public RecoveryPolicy(Duration timeout, Duration clockTolerance, LocalProcesses processes) {
        this.timeout = timeout;
        this.clockTolerance = clockTolerance;
        this.processes = processes;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Alive: this server, or renewed within the timeout and its process not known to be gone. */
    public boolean alive(ServerLease lease, String self, Instant now) {
        return lease.serverId().equals(self) || !lease.expired(now, timeout) && !processes.gone(lease);
    }

    public List<Recovery> decide(Instant now, String self, Map<String, ServerLease> leases,
                                 Collection<RunningExecution> running) {
        List<Recovery> recoveries = new ArrayList<>();
        for (RunningExecution execution : running) {
            Recovery recovery = execution.ownerServerId() == null
                    ? unowned(now, self, leases.values(), execution)
                    : owned(now, self, leases.get(execution.ownerServerId()), execution);
            if (recovery != null) {
                recoveries.add(recovery);
            }
        }
        return recoveries;
    }

    private Recovery owned(Instant now, String self, ServerLease lease, RunningExecution execution) {
        String owner = execution.ownerServerId();
        if (owner.equals(self) || lease != null && alive(lease, self, now)) {
            return null;
        }
        if (lease == null) {
            return new Recovery(execution,
                    "FAILED: recovered after crash of server " + owner + " (host and pid unknown: its lease is gone)",
                    "its server " + owner + " holds no lease any more", null);
        }
        String cause = lease.expired(now, timeout)
                ? "the lease of its server " + lease.describe() + " was last renewed at " + lease.renewedAt()
                        + ", more than " + timeout.toSeconds() + " s ago"
                : "its server " + lease.describe() + " runs on this machine and its process is gone";
        return new Recovery(execution, "FAILED: recovered after crash of server " + lease.describe(), cause,
                lease.renewedAt());
    }

    /**
     * No owner recorded: the server that started it crashed before its job listener ran, or the job
     * does not record owners. A live server that began before the execution was created may be
     * that server, between JBeret's insert and its listener, so such an execution is left alone.
     */
    private Recovery unowned(Instant now, String self, Collection<ServerLease> leases, RunningExecution execution) {
        if (execution.createdAt() == null) {
            return null;
        }
        for (ServerLease lease : leases) {
            if (!alive(lease, self, now)) {
                continue;
            }
            // this server's lease and JBeret's create time come from one clock; another server's may not
            Instant latestPossibleStart = lease.serverId().equals(self)
                    ? execution.createdAt() : execution.createdAt().plus(clockTolerance);
            if (!lease.startedAt().isAfter(latestPossibleStart)) {
                return null;
            }
        }
        return new Recovery(execution,
                "FAILED: recovered after crash of the server that started it (no owner recorded)",
                "no server recorded itself as its owner, and every live server started after it was created",
                null);
    }
}
