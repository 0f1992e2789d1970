package dev.determinedbatch.recovery;

/**
 * Tells whether the process behind a lease is gone, for leases taken where this JVM sees the same
 * processes. A server killed and started again on the same machine then recovers at once what the
 * killed one left, instead of waiting for its lease to time out.
 */
public interface LocalProcesses {

    /**
     * Names the set of processes this JVM sees, such that two JVMs with the same scope see the
     * same pids; null when that cannot be told, and then no lease is judged by its pid.
     */
    String scope();

    /**
     * True only when the lease comes from this scope and its process no longer runs (its pid is
     * free, or now belongs to a process started after the lease). Unsure means false: a lease is
     * then judged by its renewals alone.
     */
    boolean gone(ServerLease lease);

    /** Judges no lease by its pid. */
    static LocalProcesses unknown() {
        return new LocalProcesses() {
            @Override
            public String scope() {
                return null;
            }

            @Override
            public boolean gone(ServerLease lease) {
                return false;
            }
        };
    }
}
