package dev.determinedbatch.recovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link LocalProcesses} of Linux: the scope is the kernel's boot id plus this JVM's pid namespace,
 * so that a host name shared by two containers or machines never makes one judge the other's pids.
 * Elsewhere the scope is unknown and leases are judged by their renewals only.
 */
public final class ThisMachine implements LocalProcesses {

    private final String scope;

    public ThisMachine() {
        this(Path.of("/proc"));
    }

    ThisMachine(Path proc) {
        this.scope = readScope(proc);
    }

    private static String readScope(Path proc) {
        try {
            String boot = Files.readString(proc.resolve("sys/kernel/random/boot_id")).trim();
            String pidNamespace = Files.readSymbolicLink(proc.resolve("self/ns/pid")).toString();
            return boot.isEmpty() ? null : "linux boot " + boot + " " + pidNamespace;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    @Override
    public String scope() {
        return scope;
    }

    @Override
    public boolean gone(ServerLease lease) {
        if (scope == null || !scope.equals(lease.processScope())) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(lease.pid());
        if (process.isEmpty() || !process.get().isAlive()) {
            return true;
        }
        // the pid was reused if its process started after the lease did (a JVM starts before its lease)
        Optional<Instant> started = process.get().info().startInstant();
        return started.isPresent() && started.get().isAfter(lease.startedAt());
    }
}
