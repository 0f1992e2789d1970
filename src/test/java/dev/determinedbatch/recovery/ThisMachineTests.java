package dev.determinedbatch.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void aServerOfAnotherTestMachineIsNeverJudgedByItsPid() throws Exception {
        ThisMachine nodeA = ThisMachine.named("node-a");
        ThisMachine nodeB = ThisMachine.named("node-b");
        Process process = new ProcessBuilder("true").start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(nodeB.scope()).isNotEqualTo(nodeA.scope()).isNotEqualTo(machine.scope())
                .startsWith(machine.scope()).endsWith("node-b");
        assertThat(nodeB.gone(lease(process.pid(), nodeA.scope(), Instant.now()))).isFalse();
        assertThat(nodeB.gone(lease(process.pid(), machine.scope(), Instant.now()))).isFalse();
        assertThat(machine.gone(lease(process.pid(), nodeB.scope(), Instant.now()))).isFalse();
    }

    @Test
    void aServerOfTheSameTestMachineIsStillJudgedByItsPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        ThisMachine again = ThisMachine.named(" node-a ");

        assertThat(again.scope()).isEqualTo(ThisMachine.named("node-a").scope());
        assertThat(again.gone(lease(process.pid(), again.scope(), Instant.now()))).isTrue();
        assertThat(again.gone(lease(self, again.scope(), started.plusSeconds(1)))).isFalse();
    }

    @Test
    void aTestMachineNeedsAName() {
        assertThatThrownBy(() -> ThisMachine.named(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ThisMachine.TEST_MACHINE);
        assertThatThrownBy(() -> ThisMachine.named("m".repeat(ThisMachine.MAX_TEST_MACHINE + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 64 characters");
    }

    @Test
    void withoutProcATestMachineIsUnknownToo() {
        ThisMachine blind = ThisMachine.named("node-a", Path.of("/nonexistent-proc"));
        assertThat(blind.scope()).isNull();
    }

    @Test
    void withoutProcTheScopeIsUnknownAndNothingIsGone() {
        ThisMachine blind = new ThisMachine(Path.of("/nonexistent-proc"));
        assertThat(blind.scope()).isNull();
        assertThat(blind.gone(lease(Long.MAX_VALUE, null, Instant.now()))).isFalse();
    }
}
