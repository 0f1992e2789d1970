package dev.determinedbatch.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** One owner per job instance, held in the database (H2, PostgreSQL) so that servers cannot both run it. */
@ParameterizedClass
@EnumSource(JBeretDatabase.Kind.class)
class ExecutionOwnersTests {

    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");

    private JBeretDatabase database;
    private ExecutionOwners owners;
    private Set<String> alive = Set.of("a", "b");
    private final Predicate<ServerLease> isAlive = lease -> alive.contains(lease.serverId());

    private final JBeretDatabase.Kind kind;

    ExecutionOwnersTests(JBeretDatabase.Kind kind) {
        this.kind = kind;
    }

    @BeforeEach
    void createTables() throws Exception {
        database = new JBeretDatabase(kind);
        RecoveryTables.create(database.dataSource());
        owners = new ExecutionOwners(database.dataSource());
        LeaseStore leases = new LeaseStore(database.dataSource());
        leases.register(new ServerLease("a", "node-a", 1, null, T0, T0));
        leases.register(new ServerLease("b", "node-b", 2, null, T0, T0));
    }

    @Test
    void aClaimIsRecordedAndReleased() throws Exception {
        owners.claim(7, 70, "a", T0, isAlive);
        assertThat(owners.holder(7)).extracting(ExecutionOwners.Holder::executionId, ExecutionOwners.Holder::serverId)
                .containsExactly(70L, "a");

        owners.release(7, 70);
        assertThat(owners.holder(7)).isNull();
    }

    @Test
    void claimingTwiceIsHarmless() throws Exception {
        owners.claim(7, 70, "a", T0, isAlive);
        owners.claim(7, 70, "a", T0, isAlive);
        assertThat(database.count(RecoveryTables.OWNER)).isEqualTo(1);
    }

    @Test
    void anInstanceALiveServerRunsIsRefusedNamingIt() throws Exception {
        owners.claim(7, 70, "a", T0, isAlive);
        assertThatThrownBy(() -> owners.claim(7, 71, "b", T0, isAlive))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("job instance 7 is being run by execution 70 on server a (node-a, pid 1)");
        assertThat(owners.holder(7).executionId()).isEqualTo(70L);
    }

    @Test
    void anInstanceOfALostServerIsTakenOver() throws Exception {
        owners.claim(7, 70, "a", T0, isAlive);
        alive = Set.of("b");
        owners.claim(7, 71, "b", T0, isAlive);
        assertThat(owners.holder(7)).extracting(ExecutionOwners.Holder::executionId, ExecutionOwners.Holder::serverId)
                .containsExactly(71L, "b");
    }

    @Test
    void anOwnerWithoutLeaseIsLost() throws Exception {
        owners.claim(7, 70, "gone", T0, isAlive);
        owners.claim(7, 71, "b", T0, isAlive);
        assertThat(owners.holder(7).serverId()).isEqualTo("b");
    }

    @Test
    void aServerTakesOverItsOwnRowOfAnEndedExecution() throws Exception {
        owners.claim(7, 70, "a", T0, isAlive);
        owners.claim(7, 71, "a", T0, isAlive);
        assertThat(owners.holder(7).executionId()).isEqualTo(71L);
    }

    @Test
    void releasingAnotherExecutionsRowLeavesItAlone() throws Exception {
        owners.claim(7, 70, "a", T0, isAlive);
        owners.release(7, 71);
        assertThat(owners.holder(7).executionId()).isEqualTo(70L);
    }

    @Test
    void ofTwoLiveServersClaimingAnInstanceAtOnceExactlyOneWins() throws Exception {
        ExecutorService servers = Executors.newFixedThreadPool(2);
        try {
            for (long instance = 1; instance <= 20; instance++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> claims = new ArrayList<>();
                for (String server : List.of("a", "b")) {
                    long id = instance;
                    long execution = instance * 10 + (server.equals("a") ? 1 : 2);
                    claims.add(servers.submit(() -> {
                        go.await();
                        owners.claim(id, execution, server, T0, isAlive);
                        return server;
                    }));
                }
                go.countDown();
                List<String> winners = new ArrayList<>();
                List<Throwable> refusals = new ArrayList<>();
                for (Future<String> claim : claims) {
                    try {
                        winners.add(claim.get(30, TimeUnit.SECONDS));
                    } catch (ExecutionException e) {
                        refusals.add(e.getCause());
                    }
                }
                assertThat(winners).as("instance " + instance).hasSize(1);
                assertThat(refusals).singleElement().isInstanceOf(IllegalStateException.class)
                        .extracting(Throwable::getMessage).asString()
                        .contains("job instance " + instance + " is being run by execution", "on server " + winners.get(0));
                assertThat(owners.holder(instance).serverId()).isEqualTo(winners.get(0));
            }
        } finally {
            servers.shutdownNow();
        }
    }
}
