package dev.determinedbatch.recovery;

import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.time.Scheduler;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * This server's lease, from registration to release: registers it and recovers what lost servers
 * left before any job starts, then every period renews it and recovers again (so that a server
 * that dies while others live is recovered by them, not only at the next start).
 */
public final class LeaseKeeper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class.getName());

    private final DataSource dataSource;
    private final LeaseStore leases;
    private final ExecutionOwners owners;
    private final ExecutionTrials trials;
    /** executions a request to this server is restarting now */
    private final Set<Long> restarting = ConcurrentHashMap.newKeySet();
    private final RecoveryPolicy policy;
    private final CrashRecovery recovery;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Duration period;
    private final ServerLease lease;
    private Scheduler.Cancellable next;
    private volatile boolean closed;

    /** @param lease this server's, as it is to be registered */
    public LeaseKeeper(DataSource dataSource, ServerLease lease, Duration period, RecoveryPolicy policy,
                       Clock clock, Scheduler scheduler) {
        this(dataSource, lease, period, policy, clock, scheduler, TrialReaper.NONE);
    }

    /**
     * @param lease  this server's, as it is to be registered
     * @param reaper ends the trials of the executions recovery marks FAILED
     */
    public LeaseKeeper(DataSource dataSource, ServerLease lease, Duration period, RecoveryPolicy policy,
                       Clock clock, Scheduler scheduler, TrialReaper reaper) {
        this.dataSource = dataSource;
        this.leases = new LeaseStore(dataSource);
        this.owners = new ExecutionOwners(dataSource);
        this.trials = new ExecutionTrials(dataSource);
        this.policy = policy;
        this.recovery = new CrashRecovery(policy, leases, new JobRepositoryRows(dataSource), trials, reaper);
        this.clock = clock;
        this.scheduler = scheduler;
        this.period = period;
        this.lease = lease;
    }

    public String serverId() {
        return lease.serverId();
    }

    /**
     * Registers the lease (a failure is thrown: without a lease, other servers would recover this
     * one's executions) and recovers once (a failure is logged: it is tried again every period).
     */
    public void start() throws SQLException {
        RecoveryTables.create(dataSource);
        leases.register(lease);
        LogCode.LEASE_HELD.log(LOG, lease.describe(), period.toSeconds(), policy.timeout().toSeconds());
        recover();
        scheduleNext();
    }

    /**
     * Renews the lease, then recovers; runs every period on the scheduler's thread, and schedules
     * the next run whatever happens, since a lease that silently stops beating is taken for a crash.
     */
    void tick() {
        try {
            renew();
            recover();
        } catch (Error e) {
            LogCode.LEASE_RENEWAL_ERROR.logThrown(LOG, e, lease.describe());
            throw e;
        } finally {
            scheduleNext();
        }
    }

    private void renew() {
        try {
            Instant now = clock.instant();
            if (!leases.renew(lease.serverId(), now)) {
                LogCode.LEASE_WAS_GONE.log(LOG, lease.describe());
                registerAgain(now);
            }
        } catch (SQLException | RuntimeException e) {
            if (closed) {
                interruptedByClose("renewal", e);
                return;
            }
            LogCode.LEASE_NOT_RENEWED.logThrown(LOG, e, lease.describe(), String.valueOf(period.toSeconds()));
        }
    }

    /** Under the lock, so that a lease given up by {@link #close()} is not registered again. */
    private synchronized void registerAgain(Instant now) throws SQLException {
        if (!closed) {
            leases.register(lease.renewed(now));
        }
    }

    private void recover() {
        try {
            recovery.run(lease.serverId(), clock.instant());
        } catch (SQLException | RuntimeException e) {
            if (closed) {
                interruptedByClose("recovery", e);
                return;
            }
            LogCode.RECOVERY_FAILED.logThrown(LOG, e, String.valueOf(period.toSeconds()));
        }
    }

    /**
     * A renewal or recovery that {@link #close()} cut short (it interrupts the scheduler's thread,
     * which fails a JDBC call in flight) is no fault: the lease is given up, the next server recovers.
     */
    private void interruptedByClose(String what, Exception e) {
        LOG.log(Level.FINE, "the lease of server " + lease.describe() + " is given up; its " + what
                + " in flight ended: " + e);
    }

    private synchronized void scheduleNext() {
        if (!closed) {
            next = scheduler.schedule(period, this::tick);
        }
    }

    /** @throws IllegalStateException naming the live server that runs another execution of the instance */
    public void claim(long instanceId, long executionId) throws SQLException {
        owners.claim(instanceId, executionId, lease.serverId(), clock.instant(),
                other -> policy.alive(other, lease.serverId(), clock.instant()));
    }

    public void release(long instanceId, long executionId) throws SQLException {
        owners.release(instanceId, executionId);
    }

    /**
     * Claims the job instance of {@code executionId} for a restart through this server, before
     * JBeret creates the restart's execution; end it with {@link #restartEnded}.
     *
     * @throws RestartRefusedException naming the live server (or the request of this one) that runs
     *                                 or restarts it, or why the execution still runs
     */
    public RestartClaim claimRestart(long executionId) throws SQLException {
        if (!restarting.add(executionId)) {
            throw new RestartRefusedException("job execution " + executionId + " is being restarted by another"
                    + " request to this server " + lease.describe() + "; follow that restart");
        }
        try {
            long instanceId = owners.claimRestart(executionId, lease.serverId(), clock.instant(),
                    other -> policy.alive(other, lease.serverId(), clock.instant()));
            return new RestartClaim(instanceId, executionId);
        } catch (SQLException | RuntimeException e) {
            restarting.remove(executionId);
            throw e;
        }
    }

    /**
     * Ends a restart's claim: when JBeret created the restart's execution, the claim stays for its
     * owner listener to take over; when JBeret refused it, the instance is given back.
     */
    public void restartEnded(RestartClaim claim, boolean restarted) throws SQLException {
        try {
            if (!restarted && claim.claimed()) {
                owners.release(claim.instanceId(), claim.executionId());
            }
        } finally {
            restarting.remove(claim.executionId());
        }
    }

    /** Records the trial an execution opened, for the trial reaper should this server crash. */
    public void recordTrial(ExecutionTrial trial) throws SQLException {
        trials.record(trial, clock.instant());
    }

    /** Drops the record of an execution's trial once the execution has closed it. */
    public void forgetTrial(long instanceId, long executionId) throws SQLException {
        trials.remove(instanceId, executionId);
    }

    /**
     * Stops renewing and gives the lease up, so that whatever this server leaves unfinished is
     * recovered by the next server at once rather than after the timeout.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (next != null) {
                next.cancel();
            }
        }
        scheduler.close();
        try {
            leases.remove(lease.serverId());
        } catch (SQLException | RuntimeException e) {
            LogCode.LEASE_NOT_GIVEN_UP.logThrown(LOG, e, lease.describe());
        }
    }
}
