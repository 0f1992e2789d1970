package dev.determinedbatch.app;

import dev.determinedbatch.batch.support.TrialRegistry;
import dev.determinedbatch.log.LogCode;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Run-once mode, for {@code java -Ddetermined.batch.run-job=train -jar ...}: starts the named
 * job when the application is up, and when it ends exits the JVM with 0 if it COMPLETED, else 1,
 * so that a shell or a scheduler sees the outcome. Without the property the server just serves.
 */
@ApplicationScoped
public class TrainOnStartup {

    public static final String RUN_JOB = "determined.batch.run-job";
    private static final Logger LOG = Logger.getLogger(TrainOnStartup.class.getName());
    private static final Set<BatchStatus> ENDED =
            EnumSet.of(BatchStatus.COMPLETED, BatchStatus.FAILED, BatchStatus.STOPPED, BatchStatus.ABANDONED);

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started, Config config, TrialRegistry registry) {
        Optional<String> job = config.getOptionalValue(RUN_JOB, String.class);
        if (job.isEmpty()) {
            return;
        }
        JobOperator operator = BatchRuntime.getJobOperator();
        long executionId = operator.start(job.get(), new Properties());
        LogCode.RUN_ONCE_STARTED.log(LOG, job.get(), executionId);
        Thread watcher = new Thread(() -> awaitAndExit(operator, registry, executionId), "determined-batch-run-once");
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * Waits for the execution to end AND for its trial to be closed: JBeret reports the end before
     * the job listener has flushed the metrics and marked the trial.
     */
    private static void awaitAndExit(JobOperator operator, TrialRegistry registry, long executionId) {
        try {
            JobExecution execution = operator.getJobExecution(executionId);
            while (!ENDED.contains(execution.getBatchStatus()) || registry.training(executionId).isPresent()) {
                Thread.sleep(500);
                execution = operator.getJobExecution(executionId);
            }
            boolean completed = execution.getBatchStatus() == BatchStatus.COMPLETED;
            (completed ? LogCode.RUN_ONCE_COMPLETED : LogCode.RUN_ONCE_NOT_COMPLETED).log(LOG, executionId,
                    execution.getBatchStatus(), execution.getExitStatus());
            System.exit(completed ? 0 : 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LogCode.RUN_ONCE_NOT_FOLLOWED.logThrown(LOG, e, String.valueOf(executionId));
            System.exit(2);
        }
    }
}
