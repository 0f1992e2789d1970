package dev.determinedbatch.recovery;

import java.time.Duration;
import java.time.Instant;

/**
 * A server's claim to be alive, renewed every lease period. Another server treats it as lost once
 * it is older than the lease timeout, or at once when it names a process of the same machine that
 * no longer runs.
 *
 * @param serverId     random per start of the application
 * @param processScope where {@code pid} names one process (see {@link LocalProcesses#scope()}); null if unknown
 */
public record ServerLease(String serverId, String host, long pid, String processScope,
                          Instant startedAt, Instant renewedAt) {

    public boolean expired(Instant now, Duration timeout) {
        return !renewedAt.plus(timeout).isAfter(now);
    }

    public ServerLease renewed(Instant at) {
        return new ServerLease(serverId, host, pid, processScope, startedAt, at);
    }

    /** For exit statuses and the log: {@code <id> (<host>, pid <pid>)}. */
    public String describe() {
        return serverId + " (" + host + ", pid " + pid + ")";
    }
}
