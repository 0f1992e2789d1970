package dev.determinedbatch.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which executions a server recovers, given leases, owners and the time: no database, no clock. */
class RecoveryPolicyTests {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOLERANCE = Duration.ofSeconds(10);
    private static final String SELF = "self-0000";

    private final Map<String, ServerLease> leases = new LinkedHashMap<>();
    private Set<String> goneServers = Set.of();
    private final RecoveryPolicy policy = new RecoveryPolicy(TIMEOUT, TOLERANCE, new LocalProcesses() {
        @Override
        public String scope() {
            return "test";
        }

        @Override
        public boolean gone(ServerLease lease) {
            return goneServers.contains(lease.serverId());
        }
    });

    RecoveryPolicyTests() {
        lease(SELF, NOW.minusSeconds(5), NOW.minusSeconds(5));
    }

    private void lease(String server, Instant started, Instant renewed) {
        leases.put(server, new ServerLease(server, "host-" + server, 4242, "test", started, renewed));
    }

    private static RunningExecution execution(long id, String status, Instant created, String owner) {
        return new RunningExecution(id, 100 + id, "train", status, created, owner);
    }

    private List<Recovery> decide(RunningExecution... running) {
        return policy.decide(NOW, SELF, leases, List.of(running));
    }

    @Test
    void anExecutionOfALiveServerIsLeftAlone() {
        lease("a", NOW.minusSeconds(3600), NOW.minusSeconds(29));
        assertThat(decide(execution(1, "STARTED", NOW.minusSeconds(600), "a"),
                execution(2, "STOPPING", NOW.minusSeconds(600), "a"))).isEmpty();
    }

    @Test
    void anExecutionWhoseOwnersLeaseExpiredIsRecoveredNamingTheServer() {
        lease("a", NOW.minusSeconds(3600), NOW.minus(TIMEOUT));
        RunningExecution stuck = execution(1, "STARTED", NOW.minusSeconds(600), "a");

        List<Recovery> recoveries = decide(stuck);

        assertThat(recoveries).singleElement().satisfies(r -> {
            assertThat(r.execution()).isEqualTo(stuck);
            assertThat(r.exitStatus()).isEqualTo("FAILED: recovered after crash of server a (host-a, pid 4242)");
            assertThat(r.cause()).contains("last renewed at " + NOW.minus(TIMEOUT));
            assertThat(r.seenRenewal()).isEqualTo(NOW.minus(TIMEOUT));
        });
    }

    @Test
    void theLeaseIsAliveUpToTheTimeout() {
        lease("a", NOW.minusSeconds(3600), NOW.minus(TIMEOUT).plusMillis(1));
        assertThat(decide(execution(1, "STARTED", NOW.minusSeconds(600), "a"))).isEmpty();
    }

    @Test
    void stoppingExecutionsAreRecoveredToo() {
        lease("a", NOW.minusSeconds(3600), NOW.minusSeconds(31));
        assertThat(decide(execution(1, "STOPPING", NOW.minusSeconds(600), "a"))).hasSize(1);
    }

    @Test
    void anOwnerWithoutALeaseIsLost() {
        assertThat(decide(execution(1, "STARTED", NOW.minusSeconds(600), "vanished"))).singleElement()
                .satisfies(r -> {
                    assertThat(r.exitStatus()).startsWith("FAILED: recovered after crash of server vanished (");
                    assertThat(r.seenRenewal()).isNull();
                });
    }

    @Test
    void aFreshLeaseWhoseProcessIsGoneIsLost() {
        lease("killed", NOW.minusSeconds(60), NOW.minusSeconds(2));
        goneServers = Set.of("killed");
        assertThat(decide(execution(1, "STARTED", NOW.minusSeconds(50), "killed"))).singleElement()
                .satisfies(r -> {
                    assertThat(r.cause()).contains("process is gone");
                    assertThat(r.seenRenewal()).isEqualTo(NOW.minusSeconds(2));
                });
    }

    @Test
    void thisServersOwnExecutionsAreNeverRecovered() {
        lease(SELF, NOW.minusSeconds(3600), NOW.minusSeconds(3000));
        goneServers = Set.of(SELF);
        assertThat(decide(execution(1, "STARTED", NOW.minusSeconds(600), SELF))).isEmpty();
    }

    @Test
    void anUnownedExecutionCreatedBeforeEveryLiveServerStartedIsRecovered() {
        lease("dead", NOW.minusSeconds(3600), NOW.minusSeconds(600));
        lease("late", NOW.minusSeconds(100), NOW.minusSeconds(1));
        RunningExecution orphan = execution(1, "STARTING", NOW.minusSeconds(100).minus(TOLERANCE).minusMillis(1), null);

        assertThat(decide(orphan)).singleElement().satisfies(r -> {
            assertThat(r.exitStatus()).isEqualTo("FAILED: recovered after crash of the server that started it"
                    + " (no owner recorded)");
            assertThat(r.seenRenewal()).isNull();
        });
    }

    @Test
    void anUnownedExecutionALiveServerMayHaveStartedIsLeftAlone() {
        lease("early", NOW.minusSeconds(3600), NOW.minusSeconds(1));
        assertThat(decide(execution(1, "STARTED", NOW.minusSeconds(600), null))).isEmpty();
    }

    @Test
    void anotherServersClockMayBeOffByTheTolerance() {
        lease("skewed", NOW.minusSeconds(100), NOW.minusSeconds(1));
        assertThat(decide(execution(1, "STARTED", NOW.minusSeconds(100).minus(TOLERANCE), null))).isEmpty();
    }

    @Test
    void anUnownedExecutionCreatedSinceThisServerStartedIsItsOwnBeforeItsListenerRan() {
        assertThat(decide(execution(1, "STARTING", NOW.minusSeconds(5), null))).isEmpty();
        assertThat(decide(execution(2, "STARTED", NOW.minusSeconds(5).minusMillis(1), null))).hasSize(1);
    }

    @Test
    void anUnownedExecutionWithoutCreateTimeIsLeftAlone() {
        assertThat(decide(execution(1, "STARTED", null, null))).isEmpty();
    }

    @Test
    void eachExecutionIsDecidedOnItsOwn() {
        lease("live", NOW.minusSeconds(3600), NOW.minusSeconds(1));
        lease("dead", NOW.minusSeconds(3600), NOW.minusSeconds(300));
        List<Recovery> recoveries = decide(execution(1, "STARTED", NOW.minusSeconds(600), "live"),
                execution(2, "STARTED", NOW.minusSeconds(600), "dead"),
                execution(3, "STOPPING", NOW.minusSeconds(500), "dead"));
        assertThat(recoveries).extracting(r -> r.execution().executionId()).containsExactly(2L, 3L);
    }
}
