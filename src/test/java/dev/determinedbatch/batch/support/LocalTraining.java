package dev.determinedbatch.batch.support;

import dev.determinedbatch.client.SessionOptions;
import dev.determinedbatch.client.TrialSession;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import dev.determinedbatch.training.TrainingRun;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A training as the job opens it, outside a server: a local-mode trial session (metrics to a
 * file) with checkpoints in a directory, the bundled digits, and a fresh run; closed with its
 * checkpoint writer and session.
 */
public final class LocalTraining implements AutoCloseable {

    private final ActiveTraining training;

    private LocalTraining(ActiveTraining training) {
        this.training = training;
    }

    /**
     * @param work       holds the checkpoints ({@code work/checkpoints}) and the metrics file
     * @param parameters job parameters (e.g. {@code epochs}, {@code hiddenUnits}) over the defaults
     */
    public static LocalTraining open(Path work, Map<String, String> parameters) throws IOException {
        return open(FileSystemStorages.open(work.resolve("checkpoints").toString()), work.resolve("metrics.jsonl"),
                parameters);
    }

    public static LocalTraining open(CheckpointStorage storage, Path metricsFile, Map<String, String> parameters)
            throws IOException {
        Properties job = new Properties();
        job.setProperty("externalExperimentId", "local");
        job.setProperty("externalTrialId", "local-1");
        parameters.forEach(job::setProperty);
        TrainingJobParameters checked = TrainingJobParameters.parse(job, new SmallRyeConfigBuilder().build(), "train", 1);
        TrainingData data = TrainingData.load(null, 0);
        TrialSpec spec = TrialSpec.builder(storage)
                .externalExperimentId(checked.trial().externalExperimentId())
                .externalTrialId(checked.trial().externalTrialId()).build();
        TrialSession session = TrialSession.init(spec, SessionOptions.local(metricsFile));
        ActiveTraining training = new ActiveTraining(checked, new JobRecord("train", 1, 1), session, data);
        training.begin(TrainingRun.start(checked.training(), data.split()),
                new MetricAggregator(checked.reportEverySteps(), List.of()), null);
        return new LocalTraining(training);
    }

    public ActiveTraining training() {
        return training;
    }

    /** Trains {@code steps} steps, or up to the end. */
    public void train(int steps) {
        for (int i = 0; i < steps && !training.run().finished(); i++) {
            training.metrics().add(training.run().step(), training.run().finished());
        }
    }

    @Override
    public void close() {
        try {
            training.closeCheckpointWriter();
        } finally {
            training.session().close();
        }
    }
}
