package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.ActiveTraining;
import dev.determinedbatch.batch.support.JobRecord;
import dev.determinedbatch.batch.support.TrainingData;
import dev.determinedbatch.batch.support.TrainingJobParameters;
import dev.determinedbatch.batch.support.TrialRegistry;
import dev.determinedbatch.client.SessionOptions;
import dev.determinedbatch.client.TrialSession;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.recovery.CrashRecoveryService;
import dev.determinedbatch.recovery.ExecutionTrial;
import dev.determinedbatch.recovery.FailedExitStatus;
import jakarta.batch.api.listener.JobListener;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Owns the Determined trial of a training job: before the job, checks its parameters, loads the
 * data and starts a run of the trial (job parameters become the trial's hparams); after it, marks
 * the trial COMPLETED, PAUSED when the job was stopped (so it stays resumable), or ERROR.
 */
@Dependent
@Named("trialLifecycleListener")
public class TrialLifecycleListener implements JobListener {

    private static final Logger LOG = Logger.getLogger(TrialLifecycleListener.class.getName());

    private final JobContext job;
    private final TrialRegistry registry;
    private final TrainingEnvironment environment;
    private final CrashRecoveryService recovery;

    @Inject
    public TrialLifecycleListener(JobContext job, TrialRegistry registry, TrainingEnvironment environment,
                                  CrashRecoveryService recovery) {
        this.job = job;
        this.registry = registry;
        this.environment = environment;
        this.recovery = recovery;
    }

    @Override
    public void beforeJob() throws IOException {
        try {
            open();
        } catch (IOException | RuntimeException e) {
            // the reason shows in the execution's exit status (REST API, jboss-cli), not only in the log
            job.setExitStatus(FailedExitStatus.of(e));
            LogCode.JOB_NOT_STARTED.log(LOG, job.getJobName(), String.valueOf(job.getExecutionId()), e.getMessage());
            throw e;
        }
    }

    private void open() throws IOException {
        JobRecord record = new JobRecord(job.getJobName(), job.getInstanceId(), job.getExecutionId());
        TrainingJobParameters parameters = environment.parameters(record);
        // the dataset is checked against the allowed roots before it is opened, and before any trial
        TrainingData data = TrainingData.load(environment.dataset(parameters), parameters.datasetSkipLimit());
        // configuration first: a malformed det.master must fail before the storage directory is made
        SessionOptions options = environment.sessionOptions();
        TrialSpec spec = TrialSpec.builder(environment.storage(parameters))
                .externalExperimentId(parameters.trial().externalExperimentId())
                .externalTrialId(parameters.trial().externalTrialId())
                .name(record.jobName())
                .hparams(parameters.hparams())
                .labels(List.of("determined-batch"))
                .description("Jakarta Batch job '" + record.jobName() + "' instance " + record.instanceId())
                .build();
        registry.claim(parameters.trial(), record.executionId());
        try {
            TrialSession session = TrialSession.init(spec, options);
            record(session, record, parameters);
            ActiveTraining training = new ActiveTraining(parameters, record, session, data);
            job.setTransientUserData(training);
            registry.attach(record.executionId(), training);
            LogCode.JOB_TRAINS_TRIAL.log(LOG, record.jobName(), record.executionId(), parameters.trial().key(),
                    session.info().trialId(), session.info().trialRunId());
        } catch (RuntimeException e) {
            registry.release(parameters.trial(), record.executionId());
            throw e;
        }
    }

    /**
     * Records the trial in the job repository, so that after a crash of this server the server
     * that recovers the execution can mark the trial ERROR (the master never does it for an
     * unmanaged trial). Without the record a crash would leave the trial RUNNING for good, so a
     * failure to record fails the execution before it trains, and ends the trial's run ERROR.
     */
    private void record(TrialSession session, JobRecord record, TrainingJobParameters parameters) {
        if (session.info().local()) {
            return; // no master to tell
        }
        ExecutionTrial trial = new ExecutionTrial(record.instanceId(), record.executionId(), session.trialKey(),
                session.info().trialId(), session.info().trialRunId(), parameters.trial().key());
        try {
            recovery.keeper().recordTrial(trial);
        } catch (SQLException | RuntimeException e) {
            LogCode.TRIAL_NOT_RECORDED.log(LOG, record.jobName(), String.valueOf(record.executionId()),
                    trial.describe(), e.getMessage());
            IllegalStateException failure = new IllegalStateException("cannot record trial " + trial.describe()
                    + " in the job repository, which crash recovery needs to end it: " + e.getMessage(), e);
            try {
                session.close(failure);
            } catch (RuntimeException closing) {
                failure.addSuppressed(closing);
            }
            throw failure;
        }
    }

    /**
     * Closes the trial, releases it, and only then sets the exit status: an execution whose exit
     * status names how it ended has let go of its trial, so a restart is not refused as a second
     * execution of a running trial (JBeret shows the execution ended before this listener runs).
     */
    @Override
    public void afterJob() {
        ActiveTraining training = ActiveTraining.of(job);
        String exitStatus = null;
        try {
            awaitCheckpointWrite(training);
            BatchStatus status = job.getBatchStatus();
            if (status == BatchStatus.STOPPING || status == BatchStatus.STOPPED) {
                training.session().close(TrialState.PAUSED, null);
                exitStatus = summary("STOPPED", training);
            } else if (status == BatchStatus.FAILED || training.failure() != null) {
                Throwable failure = training.failure() != null ? training.failure()
                        : new IllegalStateException("job " + job.getJobName() + " execution " + job.getExecutionId() + " failed");
                training.session().close(failure);
                exitStatus = training.failure() != null ? FailedExitStatus.of(training.failure()) : null;
            } else {
                training.session().close();
                exitStatus = summary("COMPLETED", training);
            }
        } finally {
            forgetTrial();
            registry.release(training.parameters().trial(), job.getExecutionId());
            if (exitStatus != null) {
                job.setExitStatus(exitStatus);
            }
        }
    }

    /** The trial is closed (or left to the leftover courier): nothing for crash recovery to end. */
    private void forgetTrial() {
        try {
            recovery.keeper().forgetTrial(job.getInstanceId(), job.getExecutionId());
        } catch (SQLException | RuntimeException e) {
            // harmless: only a crash recovery of this execution would read it, and it has ended
            LOG.log(Level.FINE, "cannot remove the trial record of execution " + job.getExecutionId(), e);
        }
    }

    /**
     * The safety net: the step closes its checkpoint writer, but a step that failed early may
     * not have; nothing may still write when the trial closes.
     */
    private void awaitCheckpointWrite(ActiveTraining training) {
        try {
            if (training.closeCheckpointWriter()) {
                LogCode.CHECKPOINT_WRITE_LEFT_RUNNING.log(LOG, "execution " + job.getExecutionId());
            }
        } catch (RuntimeException e) {
            training.failed(e);
        }
    }

    private static String summary(String status, ActiveTraining training) {
        if (!training.begun()) {
            return status;
        }
        return status + " steps=" + training.run().stepsCompleted() + "/" + training.run().totalSteps()
                + (training.run().finished() ? " model_sha256=" + training.run().modelSha256() : "");
    }
}
