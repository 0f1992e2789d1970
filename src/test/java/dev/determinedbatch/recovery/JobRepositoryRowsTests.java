package dev.determinedbatch.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Reading and marking JBeret's rows, in tables made by JBeret's own DDL for H2 and for PostgreSQL. */
@ParameterizedClass
@EnumSource(JBeretDatabase.Kind.class)
class JobRepositoryRowsTests {

    private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");
    private static final Instant NOW = T0.plusSeconds(600);

    private JBeretDatabase database;
    private JobRepositoryRows rows;
    private LeaseStore leases;
    private ExecutionOwners owners;

    private final JBeretDatabase.Kind kind;

    JobRepositoryRowsTests(JBeretDatabase.Kind kind) {
        this.kind = kind;
    }

    @BeforeEach
    void createTables() throws Exception {
        database = new JBeretDatabase(kind);
        RecoveryTables.create(database.dataSource());
        rows = new JobRepositoryRows(database.dataSource());
        leases = new LeaseStore(database.dataSource());
        owners = new ExecutionOwners(database.dataSource());
        leases.register(new ServerLease("dead", "node", 1, null, T0, T0.plusSeconds(60)));
    }

    private Recovery recovery(RunningExecution execution, Instant seenRenewal) {
        return new Recovery(execution, "FAILED: recovered after crash of server dead (node, pid 1)", "test",
                seenRenewal);
    }

    @Test
    void withoutJBeretsTablesThereIsNothingToRecover() throws Exception {
        JBeretDatabase other = JBeretDatabase.empty(kind);
        assertThat(new JobRepositoryRows(other.dataSource()).exists()).isFalse();
        assertThat(rows.exists()).isTrue();
    }

    @Test
    void runningExecutionsComeWithJobNameCreateTimeAndOwner() throws Exception {
        long instance = database.jobInstance("train");
        long owned = database.jobExecution(instance, T0, "STARTED");
        long other = database.jobInstance("train");
        long unowned = database.jobExecution(other, T0.plusSeconds(1), "STOPPING");
        long starting = database.jobExecution(database.jobInstance("smoke"), T0.plusSeconds(2), "STARTING");
        database.jobExecution(database.jobInstance("train"), T0, "COMPLETED");
        database.jobExecution(database.jobInstance("train"), T0, "FAILED");
        owners.claim(instance, owned, "dead", T0, l -> false);

        assertThat(rows.running()).containsExactly(
                new RunningExecution(owned, instance, "train", "STARTED", T0, "dead"),
                new RunningExecution(unowned, other, "train", "STOPPING", T0.plusSeconds(1), null),
                new RunningExecution(starting, starting, "smoke", "STARTING", T0.plusSeconds(2), null));
    }

    @Test
    void markingFailedSetsExecutionAndRunningStepsInOneGo() throws Exception {
        long instance = database.jobInstance("train");
        long execution = database.jobExecution(instance, T0, "STARTED");
        long done = database.stepExecution(execution, "prepare", T0, "COMPLETED");
        long running = database.stepExecution(execution, "training", T0, "STARTED");
        owners.claim(instance, execution, "dead", T0, l -> false);
        RunningExecution stuck = rows.running().get(0);

        assertThat(rows.markFailed(recovery(stuck, T0.plusSeconds(60)), NOW)).isTrue();

        String exitStatus = "FAILED: recovered after crash of server dead (node, pid 1)";
        assertThat(database.column("JOB_EXECUTION", "BATCHSTATUS", "JOBEXECUTIONID", execution)).isEqualTo("FAILED");
        assertThat(database.column("JOB_EXECUTION", "EXITSTATUS", "JOBEXECUTIONID", execution)).isEqualTo(exitStatus);
        assertThat(database.column("JOB_EXECUTION", "ENDTIME", "JOBEXECUTIONID", execution))
                .isEqualTo(Timestamp.from(NOW));
        assertThat(database.column("JOB_EXECUTION", "LASTUPDATEDTIME", "JOBEXECUTIONID", execution))
                .isEqualTo(Timestamp.from(NOW));
        assertThat(database.column("STEP_EXECUTION", "BATCHSTATUS", "STEPEXECUTIONID", running)).isEqualTo("FAILED");
        assertThat(database.column("STEP_EXECUTION", "EXITSTATUS", "STEPEXECUTIONID", running)).isEqualTo(exitStatus);
        assertThat(database.column("STEP_EXECUTION", "ENDTIME", "STEPEXECUTIONID", running))
                .isEqualTo(Timestamp.from(NOW));
        assertThat(database.column("STEP_EXECUTION", "BATCHSTATUS", "STEPEXECUTIONID", done)).isEqualTo("COMPLETED");
        assertThat(owners.holder(instance)).isNull();
        assertThat(rows.running()).isEmpty();
    }

    @Test
    void anExecutionIsMarkedOnce() throws Exception {
        long execution = database.jobExecution(database.jobInstance("train"), T0, "STARTED");
        RunningExecution stuck = rows.running().get(0);
        assertThat(rows.markFailed(recovery(stuck, null), NOW)).isTrue();
        assertThat(rows.markFailed(recovery(stuck, null), NOW.plusSeconds(1))).isFalse();
        assertThat(database.column("JOB_EXECUTION", "ENDTIME", "JOBEXECUTIONID", execution))
                .isEqualTo(Timestamp.from(NOW));
    }

    @Test
    void anOwnerThatRenewedSinceTheDecisionKeepsItsExecution() throws Exception {
        long instance = database.jobInstance("train");
        long execution = database.jobExecution(instance, T0, "STARTED");
        long step = database.stepExecution(execution, "training", T0, "STARTED");
        owners.claim(instance, execution, "dead", T0, l -> false);
        RunningExecution stuck = rows.running().get(0);
        leases.renew("dead", NOW);

        assertThat(rows.markFailed(recovery(stuck, T0.plusSeconds(60)), NOW)).isFalse();

        assertThat(database.column("JOB_EXECUTION", "BATCHSTATUS", "JOBEXECUTIONID", execution)).isEqualTo("STARTED");
        assertThat(database.column("STEP_EXECUTION", "BATCHSTATUS", "STEPEXECUTIONID", step)).isEqualTo("STARTED");
        assertThat(owners.holder(instance).executionId()).isEqualTo(execution);
    }

    @Test
    void anUnownedExecutionThatALeasedServerClaimedSinceIsKept() throws Exception {
        long instance = database.jobInstance("train");
        long execution = database.jobExecution(instance, T0, "STARTING");
        RunningExecution unowned = rows.running().get(0);
        owners.claim(instance, execution, "dead", T0, l -> false);

        assertThat(rows.markFailed(recovery(unowned, null), NOW)).isFalse();
        assertThat(database.column("JOB_EXECUTION", "BATCHSTATUS", "JOBEXECUTIONID", execution)).isEqualTo("STARTING");
    }

    @Test
    void aLongExitStatusIsCutToTheColumn() throws Exception {
        long execution = database.jobExecution(database.jobInstance("train"), T0, "STARTED");
        Recovery recovery = new Recovery(rows.running().get(0), "FAILED: " + "x".repeat(600), "test", null);
        assertThat(rows.markFailed(recovery, NOW)).isTrue();
        assertThat((String) database.column("JOB_EXECUTION", "EXITSTATUS", "JOBEXECUTIONID", execution)).hasSize(512);
    }
}
