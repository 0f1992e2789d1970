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

    /** Tests only: the MicroProfile Config key naming a machine this server takes itself for. */
    public static final String TEST_MACHINE = "determined.batch.test.machine";

    /** the lease's scope column holds 255 characters, the real scope about 60 */
    static final int MAX_TEST_MACHINE = 64;

    private final String scope;

    public ThisMachine() {
        this(Path.of("/proc"));
    }

    ThisMachine(Path proc) {
        this(readScope(proc));
    }

    private ThisMachine(String scope) {
        this.scope = scope;
    }

    /**
     * For tests only ({@value #TEST_MACHINE}): this machine, split so that servers given different
     * names take each other for servers of other machines, and judge each other's leases by their
     * renewals alone; servers given the same name still judge each other by their pids.
     */
    public static ThisMachine named(String testMachine) {
        return named(testMachine, Path.of("/proc"));
    }

    static ThisMachine named(String testMachine, Path proc) {
        if (testMachine == null || testMachine.isBlank() || testMachine.strip().length() > MAX_TEST_MACHINE) {
            throw new IllegalArgumentException(TEST_MACHINE + " must name a machine in 1 to " + MAX_TEST_MACHINE
                    + " characters, got \"" + testMachine + "\"");
        }
        String scope = readScope(proc);
        return new ThisMachine(scope == null ? null : scope + " test machine " + testMachine.strip());
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
