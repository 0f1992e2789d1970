package dev.determinedbatch.batch;

import dev.determinedbatch.batch.support.CheckpointWritePause;
import dev.determinedbatch.batch.support.DatasetFile;
import dev.determinedbatch.batch.support.DatasetRoots;
import dev.determinedbatch.batch.support.JobRecord;
import dev.determinedbatch.batch.support.TrainingJobParameters;
import dev.determinedbatch.client.SessionOptions;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.StorageLocationRefusedException;
import dev.determinedbatch.storage.StorageRoots;
import dev.determinedbatch.storage.StorageSpec;
import dev.determinedbatch.storage.fs.DirectoryStorage;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import dev.determinedbatch.storage.s3.S3Storage;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.JobInstance;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * What a training job needs from its surroundings: its parameters (a restart sees the first
 * execution's, overridden by its own), the data, the checkpoint storage and a Determined
 * session, all configured with MicroProfile Config.
 */
@ApplicationScoped
public class TrainingEnvironment {

    /** Where the job repository, local checkpoints, local metrics and the metrics spill live by default. */
    public static final String DATA_DIR = "determined.batch.data.dir";
    /** Further directories a job's {@code checkpointStorage} may choose, besides the default storage. */
    public static final String ALLOWED_STORAGE_ROOTS = "determined.batch.storage.allowed-roots";
    /** The directories a job's {@code dataset} may be read from; none by default: only the bundled digits. */
    public static final String ALLOWED_DATASET_ROOTS = "determined.batch.dataset.allowed-roots";
    private static final Logger LOG = Logger.getLogger(TrainingEnvironment.class.getName());
    private final Map<StorageSpec.S3, S3Storage> objectStorages = new ConcurrentHashMap<>();

    private Config config;

    /** For the client proxy of CDI. */
    protected TrainingEnvironment() {
    }

    @Inject
    public TrainingEnvironment(Config config) {
        this.config = config;
    }

    public Path dataDirectory() {
        return Path.of(config.getOptionalValue(DATA_DIR, String.class)
                .orElse(SessionOptions.defaultDataDirectory().toString()));
    }

    public TrainingJobParameters parameters(JobRecord job) {
        return TrainingJobParameters.parse(jobParameters(job), config, job.jobName(), job.instanceId());
    }

    /** The job's parameters; on a restart the original ones with the restart's on top. */
    private static Properties jobParameters(JobRecord job) {
        JobOperator operator = BatchRuntime.getJobOperator();
        Properties merged = new Properties();
        JobInstance instance = operator.getJobInstance(job.executionId());
        List<JobExecution> executions = operator.getJobExecutions(instance);
        executions.stream().min(Comparator.comparingLong(JobExecution::getExecutionId))
                .map(first -> operator.getParameters(first.getExecutionId()))
                .ifPresent(merged::putAll);
        Properties own = operator.getParameters(job.executionId());
        if (own != null) {
            merged.putAll(own);
        }
        return merged;
    }

    /** The configured checkpoint storage location: {@code det.checkpoint.storage}, else in the data directory. */
    public String defaultStorageLocation() {
        return config.getOptionalValue("det.checkpoint.storage", String.class)
                .orElse(dataDirectory().resolve("checkpoints").toString());
    }

    public Config config() {
        return config;
    }

    /**
     * Where checkpoints may go when a job chooses its storage: the default storage's directory and
     * the directories of {@value #ALLOWED_STORAGE_ROOTS}. The operator's own configuration is
     * trusted; a job's choice is not (see {@link StorageRoots}).
     *
     * @throws IllegalArgumentException naming the config key of a malformed default storage or root
     */
    public StorageRoots storageRoots() {
        List<Path> roots = new ArrayList<>();
        StorageSpec.S3 defaultObjects = null;
        try {
            StorageSpec defaultSpec = StorageSpec.parse(defaultStorageLocation());
            if (defaultSpec instanceof StorageSpec.S3 objects) {
                defaultObjects = objects;
            } else {
                roots.add(defaultSpec.checkpointRoot());
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config key 'det.checkpoint.storage' (DET_CHECKPOINT_STORAGE): "
                    + e.getMessage(), e);
        }
        try {
            roots.addAll(configuredPaths(ALLOWED_STORAGE_ROOTS));
            return StorageRoots.of(roots, defaultObjects);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config key '" + ALLOWED_STORAGE_ROOTS
                    + "' (DETERMINED_BATCH_STORAGE_ALLOWED_ROOTS): " + e.getMessage(), e);
        }
    }

    /**
     * Where a job's {@code dataset} may be read from: the directories of {@value #ALLOWED_DATASET_ROOTS}.
     *
     * @throws IllegalArgumentException naming the config key of a relative root
     */
    public DatasetRoots datasetRoots() {
        try {
            return DatasetRoots.of(configuredPaths(ALLOWED_DATASET_ROOTS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config key '" + ALLOWED_DATASET_ROOTS
                    + "' (DETERMINED_BATCH_DATASET_ALLOWED_ROOTS): " + e.getMessage(), e);
        }
    }

    /**
     * The job's dataset file, checked against the {@linkplain #datasetRoots() allowed roots} whether
     * a job parameter or {@code training.dataset} chose it; null for the bundled digits. Opens
     * nothing.
     *
     * @throws IllegalArgumentException naming the parameter (or config key), the roots and how an
     *                                  operator adds one: a relative path or one that does not lead
     *                                  inside the roots, said alike whether the file exists or not
     */
    public DatasetFile dataset(TrainingJobParameters parameters) {
        TrainingJobParameters.Setting chosen = parameters.dataset();
        if (chosen == null) {
            return null;
        }
        // a malformed root is the operator's to fix: its message names the config key, not the job parameter
        DatasetRoots roots = datasetRoots();
        try {
            return roots.check(chosen.value(), chosen.source());
        } catch (DatasetRoots.RefusedException e) {
            throw new IllegalArgumentException(chosen.source() + ": " + e.getMessage()
                    + "; an operator adds roots with " + ALLOWED_DATASET_ROOTS, e);
        }
    }

    /** The paths of a comma-separated config key, blanks left out. */
    private List<Path> configuredPaths(String key) {
        List<Path> paths = new ArrayList<>();
        for (String path : config.getOptionalValues(key, String.class).orElse(List.of())) {
            if (!path.isBlank()) {
                paths.add(Path.of(path.strip()));
            }
        }
        return paths;
    }

    /**
     * The job's checkpoint storage: the default one, or the one its parameters choose inside the
     * {@linkplain #storageRoots() allowed roots}. Nothing is created before the choice is checked.
     *
     * @throws IllegalArgumentException naming the parameter and the problem: a location outside
     *                                  the allowed roots or relative, a malformed location, an
     *                                  unknown type, a directory that cannot be created or written
     */
    public CheckpointStorage storage(TrainingJobParameters parameters) throws IOException {
        TrainingJobParameters.Setting chosen = parameters.checkpointStorage();
        // a malformed root is the operator's to fix: its message names the config key, not the job parameter
        StorageRoots roots = chosen == null ? null : storageRoots();
        StorageSpec spec;
        try {
            spec = chosen == null ? StorageSpec.parse(defaultStorageLocation()) : roots.check(chosen.value());
        } catch (StorageLocationRefusedException e) {
            throw new IllegalArgumentException(chosen.source() + ": " + e.getMessage()
                    + "; an operator adds roots with " + ALLOWED_STORAGE_ROOTS, e);
        } catch (IllegalArgumentException e) {
            throw storageError(e);
        }
        DirectoryStorage.Options options = storageOptions();
        try {
            if (spec instanceof StorageSpec.S3 objects) {
                return objectStorage(objects, options);
            }
            return FileSystemStorages.open(spec, options);
        } catch (IllegalArgumentException | IOException e) {
            throw storageError(e);
        }
    }

    private DirectoryStorage.Options storageOptions() throws IOException {
        DirectoryStorage.Options options = DirectoryStorage.Options.defaults();
        Optional<CheckpointWritePause> pause = checkpointWritePause();
        return pause.isPresent() ? options.withObserver(pause.get()) : options;
    }

    /**
     * Probes an S3 default storage for the readiness check: opens it (once, as a job would, which
     * checks the bucket and the credentials) and asks again whether the bucket is reachable.
     *
     * @throws IOException naming the bucket and what failed, never a credential
     */
    public void probeObjectStorage(StorageSpec.S3 spec) throws IOException {
        objectStorage(spec, storageOptions()).checkBucket();
    }

    /**
     * One open S3 storage per location for the server's life: each holds an HTTP client and its
     * threads, which a storage per job (or per status request) would leave behind. Opening checks
     * the bucket and the credentials, so a wrong one fails each job that names it, before training.
     */
    private S3Storage objectStorage(StorageSpec.S3 spec, DirectoryStorage.Options options) throws IOException {
        S3Storage open = objectStorages.get(spec);
        if (open != null) {
            return open;
        }
        S3Storage opened = S3Storage.open(spec, S3Storage.Options.defaults().withObserver(options.observer()));
        S3Storage raced = objectStorages.putIfAbsent(spec, opened);
        if (raced != null) {
            opened.close();
            return raced;
        }
        return opened;
    }

    @PreDestroy
    void closeObjectStorages() {
        objectStorages.values().forEach(S3Storage::close);
        objectStorages.clear();
    }

    private static IllegalArgumentException storageError(Exception e) {
        return new IllegalArgumentException("job parameter 'checkpointStorage' (or det.checkpoint.storage): "
                + e.getMessage(), e);
    }

    /** The test-only pause in checkpoint writes, when {@value CheckpointWritePause#CONFIG_KEY} is set. */
    private Optional<CheckpointWritePause> checkpointWritePause() throws IOException {
        return CheckpointWritePause.configured(config.getOptionalValue(CheckpointWritePause.CONFIG_KEY, String.class));
    }

    /** A server that may hold checkpoint writes says so loudly, once, when it starts. */
    void warnOfTestPause(@Observes @Initialized(ApplicationScoped.class) Object started) throws IOException {
        Optional<CheckpointWritePause> pause = checkpointWritePause();
        if (pause.isPresent()) {
            LogCode.TEST_PAUSE_CONFIGURED.log(LOG, CheckpointWritePause.CONFIG_KEY, pause.get().directory());
        }
    }

    /**
     * How sessions reach Determined, from MicroProfile Config.
     *
     * @throws IllegalArgumentException naming the key of a malformed value, e.g. {@code det.master}
     */
    public SessionOptions sessionOptions() {
        SessionOptions options = SessionOptions.fromConfig(config);
        if (config.getOptionalValue("det.local.metrics-file", String.class).isEmpty()) {
            options = options.withLocalMetricsFile(dataDirectory().resolve("metrics.jsonl"));
        }
        if (config.getOptionalValue("det.metrics.spill-dir", String.class).isEmpty()) {
            options = options.withSpillDirectory(dataDirectory().resolve("spill"));
        }
        return options;
    }
}
