package dev.determinedbatch.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.client.ManualScheduler;
import java.time.Duration;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** A server's lease over its life, on a manual scheduler and clock: no sleeping. */
@ParameterizedClass
@EnumSource(JBeretDatabase.Kind.class)
class LeaseKeeperTests {

    private static final Duration PERIOD = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Whole milliseconds: the lease table keeps epoch milliseconds. */
    private final ManualScheduler time = new ManualScheduler(Instant.parse("2026-11-29T12:00:00Z"));
    private final Instant start = time.instant();
    private JBeretDatabase database;
    private LeaseStore leases;

    private final JBeretDatabase.Kind kind;

    LeaseKeeperTests(JBeretDatabase.Kind kind) {
        this.kind = kind;
    }

    @BeforeEach
    void createDatabase() throws Exception {
        database = new JBeretDatabase(kind);
        leases = new LeaseStore(database.dataSource());
    }

    private LeaseKeeper keeper(String id) {
        ServerLease lease = new ServerLease(id, "node", 42, null, time.instant(), time.instant());
        return new LeaseKeeper(database.dataSource(), lease, PERIOD,
                new RecoveryPolicy(TIMEOUT, PERIOD, LocalProcesses.unknown()), time, time);
    }

    @Test
    void startingRegistersTheLeaseAndRecoversBeforeAnyJob() throws Exception {
        long left = database.jobExecution(database.jobInstance("train"), start.minusSeconds(60), "STARTED");

        keeper("s1").start();

        assertThat(leases.leases()).containsOnlyKeys("s1");
        assertThat(database.column("JOB_EXECUTION", "BATCHSTATUS", "JOBEXECUTIONID", left)).isEqualTo("FAILED");
        assertThat(time.pending()).isEqualTo(1);
    }

    @Test
    void theLeaseIsRenewedEveryPeriod() throws Exception {
        keeper("s1").start();

        time.advance(PERIOD.multipliedBy(3));

        assertThat(leases.leases().get("s1").renewedAt()).isEqualTo(start.plus(PERIOD.multipliedBy(3)));
        assertThat(time.pending()).isEqualTo(1);
    }

    @Test
    void aLeaseRemovedByAnotherServerIsRegisteredAgain() throws Exception {
        keeper("s1").start();
        leases.remove("s1");

        time.advance(PERIOD);

        assertThat(leases.leases().get("s1").renewedAt()).isEqualTo(start.plus(PERIOD));
    }

    @Test
    void aServerThatStopsRenewingIsRecoveredByAnotherOnceItsLeaseTimesOut() throws Exception {
        LeaseKeeper crashed = keeper("crashed");
        crashed.start();
        long instance = database.jobInstance("train");
        long execution = database.jobExecution(instance, time.instant(), "STARTED");
        crashed.claim(instance, execution);
        time.advance(PERIOD);
        Instant lastRenewal = time.instant();
        stopRenewingWithoutGivingUp(crashed);
        LeaseKeeper survivor = keeper("survivor");
        survivor.start();

        time.advance(TIMEOUT.minus(PERIOD));
        assertThat(database.column("JOB_EXECUTION", "BATCHSTATUS", "JOBEXECUTIONID", execution)).isEqualTo("STARTED");
        time.advance(PERIOD);

        assertThat(time.instant()).isEqualTo(lastRenewal.plus(TIMEOUT));
        assertThat(database.column("JOB_EXECUTION", "BATCHSTATUS", "JOBEXECUTIONID", execution)).isEqualTo("FAILED");
        assertThat(database.column("JOB_EXECUTION", "EXITSTATUS", "JOBEXECUTIONID", execution))
                .isEqualTo("FAILED: recovered after crash of server crashed (node, pid 42)");
    }

    @Test
    void aClaimOfAnInstanceThatALiveServerRunsIsRefused() throws Exception {
        LeaseKeeper first = keeper("first");
        first.start();
        LeaseKeeper second = keeper("second");
        second.start();
        long instance = database.jobInstance("train");
        first.claim(instance, 1);

        assertThatThrownBy(() -> second.claim(instance, 2)).hasMessageContaining("server first (node, pid 42)");
        first.release(instance, 1);
        second.claim(instance, 2);
    }

    @Test
    void aRestartIsClaimedOncePerServerAndGivenBackWhenJBeretRefusesIt() throws Exception {
        LeaseKeeper first = keeper("first");
        first.start();
        LeaseKeeper second = keeper("second");
        second.start();
        long instance = database.jobInstance("train");
        long failed = database.jobExecution(instance, start, "FAILED");

        RestartClaim claim = first.claimRestart(failed);
        assertThat(claim).isEqualTo(new RestartClaim(instance, failed));
        assertThatThrownBy(() -> first.claimRestart(failed)).isInstanceOf(RestartRefusedException.class)
                .hasMessage("job execution " + failed + " is being restarted by another request to this server"
                        + " first (node, pid 42); follow that restart");
        assertThatThrownBy(() -> second.claimRestart(failed)).isInstanceOf(RestartRefusedException.class)
                .hasMessageContaining("is being restarted by server first (node, pid 42)");

        first.restartEnded(claim, false); // JBeret refused it
        RestartClaim taken = second.claimRestart(failed);
        second.restartEnded(taken, true); // JBeret restarted it: the claim stays for the restart's execution
        assertThatThrownBy(() -> first.claimRestart(failed)).hasMessageContaining("server second (node, pid 42)");
    }

    @Test
    void closingGivesTheLeaseUpAndStopsRenewing() throws Exception {
        LeaseKeeper keeper = keeper("s1");
        keeper.start();

        keeper.close();

        assertThat(leases.leases()).isEmpty();
        assertThat(time.pending()).isZero();
        time.advance(PERIOD.multipliedBy(2));
        assertThat(leases.leases()).isEmpty();
    }

    @Test
    void aRecoveryThatClosingCutsShortIsNoError() throws Exception {
        AtomicReference<LeaseKeeper> closing = new AtomicReference<>();
        AtomicInteger callsUntilClose = new AtomicInteger(-1);
        // the second connection of a tick (its recovery's, after the renewal's) finds the keeper
        // closing, as when the server stops: close interrupts the thread, the JDBC call fails
        DataSource closedMidTick = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("getConnection") && callsUntilClose.decrementAndGet() == 0) {
                        closing.get().close();
                        throw new SQLException("IJ031013: Interrupted attempting lock");
                    }
                    try {
                        return method.invoke(database.dataSource(), arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ServerLease lease = new ServerLease("s1", "node", 42, null, time.instant(), time.instant());
        LeaseKeeper keeper = new LeaseKeeper(closedMidTick, lease, PERIOD,
                new RecoveryPolicy(TIMEOUT, PERIOD, LocalProcesses.unknown()), time, time);
        closing.set(keeper);
        keeper.start();
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(LeaseKeeper.class.getName());
        logger.addHandler(handler);
        try {
            callsUntilClose.set(2);
            time.advance(PERIOD);
        } finally {
            logger.removeHandler(handler);
        }

        assertThat(callsUntilClose.get()).as("the tick reached its recovery").isLessThanOrEqualTo(0);
        assertThat(logged).noneMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue());
        assertThat(leases.leases()).isEmpty();
        assertThat(time.pending()).isZero();
    }

    /** As a crash would: the scheduled renewal is dropped, the lease row stays. */
    private void stopRenewingWithoutGivingUp(LeaseKeeper keeper) throws Exception {
        ServerLease kept = leases.leases().get(keeper.serverId());
        keeper.close();
        leases.register(kept);
    }
}
