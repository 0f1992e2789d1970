package dev.determinedbatch.batch.support;

import dev.determinedbatch.training.TrainingParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.microprofile.config.Config;

/**
 * The parameters of one training job, read from its job parameters, else from MicroProfile
 * Config ({@code training.<name>}), else the defaults. Every bad value fails here, before the
 * job touches Determined, with a message that names the parameter.
 *
 * @param checkpointStorage where checkpoints go, and who chose it; null for the configured default
 * @param dataset           path of a digits CSV (gzip), and who chose it; null for the bundled copy
 * @param datasetSkipLimit  how many malformed dataset rows may be skipped; 0 refuses any
 */
public record TrainingJobParameters(
        TrainingParameters training,
        TrialIdentity trial,
        long checkpointEverySteps,
        long checkpointEverySeconds,
        int reportEverySteps,
        Setting checkpointStorage,
        Setting dataset,
        int datasetSkipLimit) {

    public static final String CONFIG_PREFIX = "training.";
    /** Every job parameter this job reads; each also a MicroProfile Config key {@code training.<name>}. */
    public static final java.util.List<String> NAMES = java.util.List.of("seed", "epochs", "batchSize",
            "learningRate", "momentum", "hiddenUnits", "checkpointEverySteps", "checkpointEverySeconds",
            "reportEverySteps", "externalExperimentId", "externalTrialId", "checkpointStorage", "dataset",
            "datasetSkipLimit");
    public static final long DEFAULT_CHECKPOINT_EVERY_STEPS = 90;
    public static final long DEFAULT_CHECKPOINT_EVERY_SECONDS = 300;
    public static final int DEFAULT_REPORT_EVERY_STEPS = 10;
    /** Strict by default: bad data is a mistake to see, not to train around. */
    public static final int DEFAULT_DATASET_SKIP_LIMIT = 0;

    public TrainingJobParameters {
        if (checkpointEverySteps < 0) {
            throw new IllegalArgumentException("job parameter 'checkpointEverySteps' must not be negative, got "
                    + checkpointEverySteps);
        }
        if (checkpointEverySeconds < 0) {
            throw new IllegalArgumentException("job parameter 'checkpointEverySeconds' must not be negative, got "
                    + checkpointEverySeconds);
        }
        if (reportEverySteps < 1) {
            throw new IllegalArgumentException("job parameter 'reportEverySteps' must be at least 1, got "
                    + reportEverySteps);
        }
        if (datasetSkipLimit < 0) {
            throw new IllegalArgumentException("job parameter 'datasetSkipLimit' must not be negative, got "
                    + datasetSkipLimit);
        }
    }

    /** Reads and checks the job's parameters; defaults from {@code config}. */
    public static TrainingJobParameters parse(Properties job, Config config, String jobName, long jobInstanceId) {
        Source source = new Source(job, config);
        TrainingParameters defaults = TrainingParameters.defaults();
        long seed = source.longValue("seed", defaults.seed());
        int epochs = source.intValue("epochs", defaults.epochs());
        int batchSize = source.intValue("batchSize", defaults.batchSize());
        float learningRate = source.floatValue("learningRate", defaults.learningRate());
        float momentum = source.floatValue("momentum", defaults.momentum());
        int hiddenUnits = source.intValue("hiddenUnits", defaults.hiddenUnits());
        TrainingParameters training;
        try {
            training = new TrainingParameters(seed, epochs, batchSize, learningRate, momentum, hiddenUnits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad job parameter: " + e.getMessage(), e);
        }
        TrialIdentity fallback = TrialIdentity.defaultFor(jobName, jobInstanceId);
        TrialIdentity trial = new TrialIdentity(
                source.text("externalExperimentId").orElse(fallback.externalExperimentId()),
                source.text("externalTrialId").orElse(fallback.externalTrialId()));
        return new TrainingJobParameters(training, trial,
                source.longValue("checkpointEverySteps", DEFAULT_CHECKPOINT_EVERY_STEPS),
                source.longValue("checkpointEverySeconds", DEFAULT_CHECKPOINT_EVERY_SECONDS),
                source.intValue("reportEverySteps", DEFAULT_REPORT_EVERY_STEPS),
                source.setting("checkpointStorage").orElse(null),
                source.setting("dataset").orElse(null),
                source.intValue("datasetSkipLimit", DEFAULT_DATASET_SKIP_LIMIT));
    }

    /** The trial's hyperparameters as Determined shows them: the job's training parameters. */
    public Map<String, Object> hparams() {
        Map<String, Object> hparams = new LinkedHashMap<>(training.asMap());
        hparams.put("checkpointEverySteps", checkpointEverySteps);
        hparams.put("checkpointEverySeconds", checkpointEverySeconds);
        hparams.put("reportEverySteps", reportEverySteps);
        return hparams;
    }

    /**
     * A value and where it came from, for a message: {@code job parameter 'x'}, or
     * {@code config key 'training.x' (default of job parameter 'x')}.
     */
    public record Setting(String value, String source) {
    }

    /** Job parameter first, then {@code training.<name>} in MicroProfile Config. */
    private record Source(Properties job, Config config) {

        Optional<String> text(String name) {
            if (!NAMES.contains(name)) {
                throw new IllegalStateException("job parameter '" + name + "' is not listed in NAMES");
            }
            String value = job == null ? null : job.getProperty(name);
            if (value == null || value.isBlank()) {
                value = config.getOptionalValue(CONFIG_PREFIX + name, String.class).orElse(null);
            }
            return Optional.ofNullable(value).map(String::strip).filter(v -> !v.isEmpty());
        }

        Optional<Setting> setting(String name) {
            return text(name).map(value -> new Setting(value, source(name)));
        }

        long longValue(String name, long fallback) {
            return text(name).map(v -> parse(source(name), v, Long::parseLong, "an integer")).orElse(fallback);
        }

        int intValue(String name, int fallback) {
            return text(name).map(v -> parse(source(name), v, Integer::parseInt, "an integer")).orElse(fallback);
        }

        float floatValue(String name, float fallback) {
            return text(name).map(v -> parse(source(name), v, Float::parseFloat, "a number")).orElse(fallback);
        }

        /** Where the value of {@code name} came from, for a message: the job parameter or the config key. */
        private String source(String name) {
            String value = job == null ? null : job.getProperty(name);
            return value == null || value.isBlank() ? "config key '" + CONFIG_PREFIX + name + "' (default of job parameter '"
                    + name + "')" : "job parameter '" + name + "'";
        }

        private static <T> T parse(String source, String value, java.util.function.Function<String, T> parser, String kind) {
            try {
                return parser.apply(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + " must be " + kind + ", got '" + value + "'");
            }
        }
    }
}
