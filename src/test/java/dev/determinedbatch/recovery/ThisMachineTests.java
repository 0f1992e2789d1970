package dev.determinedbatch.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Whether the process of a lease taken on this machine still runs. */
@EnabledOnOs(OS.LINUX)
class ThisMachineTests {

    private final ThisMachine machine = new ThisMachine();
    private final long self = ProcessHandle.current().pid();
    private final Instant started = ProcessHandle.current().info().startInstant().orElseThrow();

    private ServerLease lease(long pid, String scope, Instant leaseStarted) {
        return new ServerLease("s", "h", pid, scope, leaseStarted, leaseStarted);
    }

    @Test
    void theScopeNamesTheBootAndThePidNamespace() {
        assertThat(machine.scope()).startsWith("linux boot ").contains("pid:[");
    }

    @Test
    void aRunningProcessIsNotGone() {
        assertThat(machine.gone(lease(self, machine.scope(), started.plusSeconds(1)))).isFalse();
    }

    @Test
    void anEndedProcessIsGone() throws Exception {
        Process process = new ProcessBuilder("true").start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(machine.gone(lease(process.pid(), machine.scope(), Instant.now()))).isTrue();
    }

    @Test
    void aPidNowHeldByAProcessStartedAfterTheLeaseIsGone() {
        assertThat(machine.gone(lease(self, machine.scope(), started.minusSeconds(60)))).isTrue();
    }

    @Test
    void aLeaseOfAnotherScopeIsNeverJudgedByItsPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(machine.gone(lease(process.pid(), "linux boot other pid:[1]", Instant.now()))).isFalse();
        assertThat(machine.gone(lease(process.pid(), null, Instant.now()))).isFalse();
    }

    @Test
    void withoutProcTheScopeIsUnknownAndNothingIsGone() {
        ThisMachine blind = new ThisMachine(Path.of("/nonexistent-proc"));
        assertThat(blind.scope()).isNull();
        assertThat(blind.gone(lease(Long.MAX_VALUE, null, Instant.now()))).isFalse();
    }
}
