package dev.determinedbatch.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one benchmark run was asked for: {@code bench.quick} (short runs, to check the harness; its
 * figures are not to be quoted), {@code bench.only} (the figures to run, e.g. {@code P4,P6}; all when
 * empty), the bootable jar, a work directory on the disk the figures measure, and where the plot goes.
 */
public record BenchmarkOptions(boolean quick, Set<String> only, Path jar, Path work, Path docs) {

    public static BenchmarkOptions fromSystemProperties() {
        return new BenchmarkOptions(Boolean.parseBoolean(System.getProperty("bench.quick", "false")),
                figures(System.getProperty("bench.only", "")),
                Path.of(System.getProperty("bench.jar", "target/determined-batch-bootable.jar")).toAbsolutePath(),
                Path.of(System.getProperty("bench.work", "target/bench-work")).toAbsolutePath(),
                Path.of(System.getProperty("bench.docs", "docs")).toAbsolutePath());
    }

    /** {@code "p4, P6"} as {@code [P4, P6]}; blank means every figure. */
    static Set<String> figures(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether figure {@code name} (P1 ... P7, S1) is to run. */
    public boolean runs(String name) {
        return only.isEmpty() || only.contains(name.toUpperCase(Locale.ROOT));
    }

    /** {@code full} normally, {@code quick} under bench.quick. */
    public int pick(int full, int quick) {
        return this.quick ? quick : full;
    }
}
