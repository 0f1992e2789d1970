package dev.determinedbatch.bench;

import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import dev.determinedbatch.training.DigitsDataset;
import dev.determinedbatch.training.TrainingState;
import jakarta.batch.runtime.BatchStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.jberet.job.model.Job;
import org.jberet.repository.JdbcRepository;
import org.jberet.runtime.JobExecutionImpl;
import org.jberet.runtime.JobInstanceImpl;
import org.jberet.runtime.StepExecutionImpl;

/**
 * P4: the naive way against ours, per checkpoint, at 1, 10 and 100 MB. Naive: the whole state is
 * the reader's checkpoint info ({@link NaiveCheckpointInfo}); JBeret's own {@link JdbcRepository}
 * serializes it and writes it into an H2 file job repository, the call JBeret's chunk runner makes
 * at each chunk boundary ({@code savePersistentDataIfNotStopping}). Ours: the state stored as our
 * checkpoint (encoded, written, each file and directory synced, published by a rename).
 *
 * <p>Durability, as each really has it: ours is on the disk (every file and directory synced)
 * before {@code store} returns, and is read back from plain files. The naive one is on the disk too
 * when JBeret's call returns (strace of a run shows H2 calling fsync on its file, about two hundred
 * times per 100 MB commit, on the committing thread), but it is read back with Java
 * deserialization, and a change of the class makes it unreadable.
 */
final class NaiveRepositoryFigure implements Figure {

    static final double GOAL_AT_10MB = 10;

    @Override
    public String name() {
        return "P4";
    }

    @Override
    public List<BenchmarkRow> run(BenchmarkOptions options) throws Exception {
        int rounds = options.pick(5, 2);
        DigitsDataset.Split data = DigitsDataset.loadBundled().split();
        return StateSizes.eachSize(options, "p4", (megabytes, work) -> measure(megabytes, rounds, data, work));
    }

    private static BenchmarkRow measure(int megabytes, int rounds, DigitsDataset.Split data, Path work)
            throws Exception {
        TrainingState state = StateSizes.run(megabytes, data).state();
        CheckpointStorage storage = FileSystemStorages.open(work.resolve("checkpoints").toString());
        NaiveChunkBoundary naive = NaiveChunkBoundary.open(work.resolve("job-repository"));
        // made once, outside the timing: the naive figure is its serialization and write only
        NaiveCheckpointInfo info = NaiveCheckpointInfo.of(state);
        storage.delete(StateSizes.store(storage, state).uuid()); // warm-up
        naive.checkpoint(info);
        double[] ours = new double[rounds];
        double[] naiveSeconds = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            StoredCheckpoint stored = StateSizes.store(storage, state);
            ours[round] = Samples.secondsSince(start);
            storage.delete(stored.uuid());

            start = System.nanoTime();
            naive.checkpoint(info);
            naiveSeconds[round] = Samples.secondsSince(start);
        }
        double oursMedian = Samples.median(ours);
        double naiveMedian = Samples.median(naiveSeconds);
        System.out.printf("P4 %d MB: naive %s s, ours %s s%n", megabytes, CheckpointWriteFigure.seconds(naiveSeconds),
                CheckpointWriteFigure.seconds(ours));
        String beside = String.format(Locale.ROOT, "naive %.0f ms (JBeret JDBC into an H2 file), ours %.0f ms,"
                + " both synced, median of %d", naiveMedian * 1e3, oursMedian * 1e3, rounds);
        double ratio = naiveMedian / oursMedian;
        String size = StateSizes.label(megabytes);
        return megabytes == 10 ? BenchmarkRow.atLeast("P4", size, ratio, GOAL_AT_10MB, beside)
                : BenchmarkRow.info("P4", size, ratio, beside);
    }

    /** One job execution's step in JBeret's JDBC repository, checkpointed as JBeret's chunk runner does. */
    private record NaiveChunkBoundary(JdbcRepository repository, JobExecutionImpl execution, StepExecutionImpl step) {

        static NaiveChunkBoundary open(Path database) {
            Properties properties = new Properties();
            properties.setProperty(JdbcRepository.DB_URL_KEY, "jdbc:h2:file:" + database.toAbsolutePath());
            JdbcRepository repository = JdbcRepository.create(properties);
            JobInstanceImpl instance = repository.createJobInstance(new Job("naive"), "benchmark",
                    NaiveRepositoryFigure.class.getClassLoader());
            JobExecutionImpl execution = repository.createJobExecution(instance, new Properties());
            execution.setBatchStatus(BatchStatus.STARTED);
            repository.updateJobExecution(execution, false, false);
            StepExecutionImpl step = repository.createStepExecution("train");
            step.setBatchStatus(BatchStatus.STARTED);
            repository.addStepExecution(execution, step);
            return new NaiveChunkBoundary(repository, execution, step);
        }

        void checkpoint(NaiveCheckpointInfo info) {
            step.setReaderCheckpointInfo(info);
            if (repository.savePersistentDataIfNotStopping(execution, step) != 1) {
                throw new IllegalStateException("JBeret did not save the step's checkpoint info");
            }
        }
    }
}
