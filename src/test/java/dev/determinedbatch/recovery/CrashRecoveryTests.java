package dev.determinedbatch.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** A recovery pass over a job repository in H2 and in PostgreSQL: what it marks, what it leaves, what it logs. */
@ParameterizedClass
@EnumSource(JBeretDatabase.Kind.class)
class CrashRecoveryTests {

    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<LogRecord> log = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            log.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final Logger logger = Logger.getLogger(CrashRecovery.class.getName());

    private JBeretDatabase database;
    private LeaseStore leases;
    private ExecutionOwners owners;
    private ExecutionTrials trials;
    private CrashRecovery recovery;
    /** what the reaper was handed, and what it answers */
    private final List<ExecutionTrial> reaped = new CopyOnWriteArrayList<>();
    private volatile boolean reaperDone = true;
    private final TrialReaper reaper = trial -> {
        reaped.add(trial);
        if (trial.trialKey().contains("unwritable")) {
            throw new java.io.IOException("spill directory not writable");
        }
        return reaperDone;
    };

    private final JBeretDatabase.Kind kind;

    CrashRecoveryTests(JBeretDatabase.Kind kind) {
        this.kind = kind;
    }

    @BeforeEach
    void setUp() throws Exception {
        logger.addHandler(handler);
        database = new JBeretDatabase(kind);
        RecoveryTables.create(database.dataSource());
        leases = new LeaseStore(database.dataSource());
        owners = new ExecutionOwners(database.dataSource());
        trials = new ExecutionTrials(database.dataSource());
        recovery = new CrashRecovery(new RecoveryPolicy(TIMEOUT, Duration.ofSeconds(10), LocalProcesses.unknown()),
                leases, new JobRepositoryRows(database.dataSource()), trials, reaper);
    }

    @AfterEach
    void removeHandler() {
        logger.removeHandler(handler);
    }

    @Test
    void recoversWhatLostServersLeftAndNothingElse() throws Exception {
        Instant now = T0.plusSeconds(3600);
        leases.register(new ServerLease("dead", "node-1", 1234, null, T0, now.minusSeconds(45)));
        leases.register(new ServerLease("live", "node-2", 99, null, T0, now.minusSeconds(5)));
        leases.register(new ServerLease("self", "node-3", 7, null, now, now));
        long crashed = owned("dead", T0.plusSeconds(60));
        long running = owned("live", T0.plusSeconds(60));
        long orphan = database.jobExecution(database.jobInstance("train"), T0.plusSeconds(10), "STARTED");
        long ended = database.jobExecution(database.jobInstance("train"), T0.plusSeconds(10), "COMPLETED");

        List<Recovery> recovered = recovery.run("self", now);

        assertThat(recovered).extracting(r -> r.execution().executionId()).containsExactly(crashed);
        assertThat(status(crashed)).isEqualTo("FAILED");
        assertThat(database.column("JOB_EXECUTION", "EXITSTATUS", "JOBEXECUTIONID", crashed))
                .isEqualTo("FAILED: recovered after crash of server dead (node-1, pid 1234)");
        assertThat(status(running)).isEqualTo("STARTED");
        assertThat(status(orphan)).as("a live server started before it: may be its own").isEqualTo("STARTED");
        assertThat(status(ended)).isEqualTo("COMPLETED");
        assertThat(log).singleElement().satisfies(record -> {
            assertThat(record.getLevel()).isEqualTo(Level.WARNING);
            assertThat(new java.util.logging.SimpleFormatter().formatMessage(record))
                    .startsWith("DETBATCH-0400 recovered job execution " + crashed + " (job train, instance ")
                    .contains("left STARTED", "server dead (node-1, pid 1234)",
                            "\"FAILED: recovered after crash of server dead (node-1, pid 1234)\"");
        });
        assertThat(leases.leases()).as("the dead lease has told all it can").containsOnlyKeys("live", "self");
    }

    @Test
    void anOrphanIsRecoveredOnceEveryServerThatMayHaveStartedItIsLost() throws Exception {
        Instant now = T0.plusSeconds(3600);
        leases.register(new ServerLease("self", "node-3", 7, null, now, now));
        long orphan = database.jobExecution(database.jobInstance("train"), T0.plusSeconds(10), "STARTING");

        assertThat(recovery.run("self", now)).hasSize(1);
        assertThat(database.column("JOB_EXECUTION", "EXITSTATUS", "JOBEXECUTIONID", orphan))
                .isEqualTo("FAILED: recovered after crash of the server that started it (no owner recorded)");
        assertThat(recovery.run("self", now.plusSeconds(10))).as("nothing left").isEmpty();
    }

    @Test
    void anEmptyDatabaseHasNothingToRecover() throws Exception {
        try (var connection = database.dataSource().getConnection(); var statement = connection.createStatement()) {
            statement.execute("DROP TABLE STEP_EXECUTION, PARTITION_EXECUTION, JOB_EXECUTION, JOB_INSTANCE");
        }
        assertThat(recovery.run("self", T0)).isEmpty();
    }

    @Test
    void theTrialOfAnExecutionMarkedFailedIsHandedToTheReaperAndItsRecordDropped() throws Exception {
        Instant now = T0.plusSeconds(3600);
        leases.register(new ServerLease("dead", "node-1", 1234, null, T0, now.minusSeconds(45)));
        leases.register(new ServerLease("live", "node-2", 99, null, T0, now.minusSeconds(5)));
        long crashed = owned("dead", T0.plusSeconds(60));
        long running = owned("live", T0.plusSeconds(60));
        ExecutionTrial crashedTrial = trial(crashed, 7);
        trials.record(crashedTrial, T0.plusSeconds(61));
        trials.record(trial(running, 8), T0.plusSeconds(61));

        recovery.run("self", now);

        assertThat(reaped).containsExactly(crashedTrial);
        assertThat(database.count(RecoveryTables.TRIAL)).as("the live server's trial stays recorded").isEqualTo(1);
        assertThat(database.column(RecoveryTables.TRIAL, "JOB_EXECUTION_ID", "JOB_EXECUTION_ID", running))
                .isEqualTo(running);
        recovery.run("self", now.plusSeconds(10));
        assertThat(reaped).as("reaped once").hasSize(1);
    }

    @Test
    void aTrialTheReaperCouldNotEndIsHandedToItAgainAtTheNextPassWithAWarning() throws Exception {
        Instant now = T0.plusSeconds(3600);
        leases.register(new ServerLease("dead", "node-1", 1234, null, T0, now.minusSeconds(45)));
        long crashed = owned("dead", T0.plusSeconds(60));
        trials.record(new ExecutionTrial(instanceOf(crashed), crashed, "master-c-trial-unwritable", 7, 2,
                "train/train-1"), T0);

        recovery.run("self", now);
        assertThat(log).anySatisfy(record -> assertThat(new java.util.logging.SimpleFormatter().formatMessage(record))
                .isEqualTo("DETBATCH-0441 trial train/train-1 (Determined trial 7, run 2) of job execution " + crashed
                        + ": cannot mark it ERROR yet: spill directory not writable; trying again at the next recovery"
                        + " pass"));
        reaperDone = false; // say, the trial's spill file is held: asked again, silently
        recovery.run("self", now.plusSeconds(10));
        assertThat(reaped).hasSize(2);
        assertThat(trials.due()).as("still due").hasSize(1);
    }

    @Test
    void aRestartThatOpensTheTrialAgainBeforeTheReaperComesMakesTheReapMoot() throws Exception {
        Instant now = T0.plusSeconds(3600);
        leases.register(new ServerLease("dead", "node-1", 1234, null, T0, now.minusSeconds(45)));
        long crashed = owned("dead", T0.plusSeconds(60));
        long instance = instanceOf(crashed);
        trials.record(trial(crashed, 7), T0);
        reaperDone = false;
        recovery.run("self", now);
        assertThat(trials.due()).hasSize(1);

        // the restart's execution runs: the trial is left to it
        long restart = database.jobExecution(instance, now.plusSeconds(1), "STARTED");
        assertThat(trials.due()).isEmpty();
        // it opened the trial: its record replaces the crashed execution's
        trials.record(trial(restart, 7), now.plusSeconds(2));
        database.setStatus(restart, "COMPLETED");
        reaped.clear();
        recovery.run("self", now.plusSeconds(10));
        assertThat(reaped).isEmpty();
    }

    private ExecutionTrial trial(long execution, long trialId) throws Exception {
        return new ExecutionTrial(instanceOf(execution), execution, "master-c-trial-" + trialId, trialId, 1,
                "train/train-" + instanceOf(execution));
    }

    private long instanceOf(long execution) throws Exception {
        return ((Number) database.column("JOB_EXECUTION", "JOBINSTANCEID", "JOBEXECUTIONID", execution)).longValue();
    }

    private long owned(String server, Instant created) throws Exception {
        long instance = database.jobInstance("train");
        long execution = database.jobExecution(instance, created, "STARTED");
        database.stepExecution(execution, "training", created, "STARTED");
        owners.claim(instance, execution, server, created, l -> false);
        return execution;
    }

    private Object status(long execution) throws Exception {
        return database.column("JOB_EXECUTION", "BATCHSTATUS", "JOBEXECUTIONID", execution);
    }
}
