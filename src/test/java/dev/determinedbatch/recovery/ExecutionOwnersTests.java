package dev.determinedbatch.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
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
    void aRestartOfAnExecutionALiveServerRunsIsRefusedNamingTheServer() throws Exception {
        long instance = database.jobInstance("train");
        long running = database.jobExecution(instance, T0, "STARTED");
        owners.claim(instance, running, "a", T0, isAlive);

        assertThatThrownBy(() -> owners.claimRestart(running, "b", T0, isAlive))
                .isInstanceOf(RestartRefusedException.class)
                .hasMessage("job execution " + running + " is still STARTED on server a (node-a, pid 1), which is"
                        + " alive; stop it there (POST /api/jobexecutions/" + running + "/stop on that server), or"
                        + " restart it once it has ended");
        assertThatThrownBy(() -> owners.claimRestart(running, "a", T0, isAlive))
                .hasMessageStartingWith("job execution " + running + " is still STARTED on this server a (node-a, pid 1)");
        assertThat(owners.holder(instance).executionId()).isEqualTo(running);
    }

    @Test
    void aRestartOfAnExecutionStillShownRunningByALostServerWaitsForRecovery() throws Exception {
        long instance = database.jobInstance("train");
        long running = database.jobExecution(instance, T0, "STARTED");
        owners.claim(instance, running, "a", T0, isAlive);
        alive = Set.of("b");

        assertThatThrownBy(() -> owners.claimRestart(running, "b", T0, isAlive))
                .isInstanceOf(RestartRefusedException.class)
                .hasMessage("job execution " + running + " is still STARTED in the job repository (its server a"
                        + " (node-a, pid 1) is taken for lost); crash recovery marks it FAILED once no live server can"
                        + " be running it (every determined.batch.lease.period); restart it then");
    }

    @Test
    void aRestartClaimsTheInstanceAndTheRestartsExecutionTakesItOver() throws Exception {
        long instance = database.jobInstance("train");
        long failed = database.jobExecution(instance, T0, "FAILED");

        assertThat(owners.claimRestart(failed, "b", T0, isAlive)).isEqualTo(instance);
        assertThat(owners.holder(instance)).extracting(ExecutionOwners.Holder::executionId,
                ExecutionOwners.Holder::serverId).containsExactly(failed, "b");

        // the other server's restart of the same execution loses, told who restarts it
        assertThatThrownBy(() -> owners.claimRestart(failed, "a", T0, isAlive))
                .isInstanceOf(RestartRefusedException.class)
                .hasMessage("job execution " + failed + " is being restarted by server b (node-b, pid 2), which is"
                        + " alive; follow that restart there");

        long restart = database.jobExecution(instance, T0.plusSeconds(1), "STARTING");
        owners.claim(instance, restart, "b", T0, isAlive);
        assertThat(owners.holder(instance).executionId()).isEqualTo(restart);
        assertThatThrownBy(() -> owners.claimRestart(failed, "a", T0, isAlive))
                .hasMessageContaining("is being run by execution " + restart + " on server b (node-b, pid 2)");
    }

    @Test
    void aClaimOfARestartWhoseServerDiedIsTakenOver() throws Exception {
        long instance = database.jobInstance("train");
        long failed = database.jobExecution(instance, T0, "FAILED");
        owners.claimRestart(failed, "a", T0, isAlive);
        alive = Set.of("b");

        assertThat(owners.claimRestart(failed, "b", T0, isAlive)).isEqualTo(instance);
        assertThat(owners.holder(instance).serverId()).isEqualTo("b");
    }

    @Test
    void aRestartOfNoExecutionClaimsNothing() throws Exception {
        assertThat(owners.claimRestart(404, "a", T0, isAlive)).isEqualTo(-1);
        assertThat(database.count(RecoveryTables.OWNER)).isZero();
    }

    @RepeatedTest(10)
    void ofTwoServersRestartingTheSameExecutionAtOnceExactlyOneWins() throws Exception {
        long instance = database.jobInstance("train");
        long failed = database.jobExecution(instance, T0, "FAILED");
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService servers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> outcomes = new ArrayList<>();
            for (String server : List.of("a", "b")) {
                outcomes.add(servers.submit(() -> {
                    // each server its own connections to the one database, as two processes have
                    ExecutionOwners own = new ExecutionOwners(database.dataSource());
                    together.await();
                    try {
                        return own.claimRestart(failed, server, T0, isAlive);
                    } catch (RestartRefusedException e) {
                        return e;
                    }
                }));
            }
            List<Object> results = new ArrayList<>();
            for (Future<Object> outcome : outcomes) {
                results.add(outcome.get(30, TimeUnit.SECONDS));
            }
            assertThat(results).filteredOn(r -> r.equals(instance)).hasSize(1);
            String winner = owners.holder(instance).serverId();
            assertThat(results).filteredOn(r -> r instanceof RestartRefusedException).singleElement()
                    .extracting(r -> ((RestartRefusedException) r).getMessage()).asString()
                    .contains("is being restarted by server " + winner);
        } finally {
            servers.shutdownNow();
        }
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
