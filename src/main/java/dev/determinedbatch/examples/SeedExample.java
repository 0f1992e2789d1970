package dev.determinedbatch.examples;

import dev.determinedbatch.client.TrialSession;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.json.PythonJson;
import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Determined's {@code examples/features/unmanaged/2_checkpoints.py} in Java: a detached trial
 * with external ids that resumes from its latest checkpoint's {@code state} file, reports a
 * training metric every step and, every 10 steps, a validation metric, progress and a checkpoint.
 * Run twice, the second run continues where the first stopped.
 *
 * <p>{@code mvn -q exec:java@seed-example}; the master is {@code DET_MASTER} (none: local mode),
 * the storage {@code det.checkpoint.storage} / {@code DET_CHECKPOINT_STORAGE}, by default
 * Determined's {@code ~/.local/share/determined/checkpoints}.
 */
public final class SeedExample {

    static final String EXTERNAL_ID = "test-unmanaged-2-checkpoints";
    private static final Logger LOG = Logger.getLogger(SeedExample.class.getName());

    private SeedExample() {
    }

    public static void main(String[] args) throws IOException {
        Config config = ConfigProvider.getConfig();
        String location = config.getOptionalValue("det.checkpoint.storage", String.class)
                .orElse(Path.of(System.getProperty("user.home"), ".local", "share", "determined", "checkpoints").toString());
        int steps = config.getOptionalValue("seed.steps", Integer.class).orElse(100);
        CheckpointStorage storage = FileSystemStorages.open(location);
        TrialSpec spec = TrialSpec.builder(storage).name("unmanaged-2-checkpoints")
                .externalExperimentId(EXTERNAL_ID).externalTrialId(EXTERNAL_ID).build();
        TrialSession session = TrialSession.init(spec);
        try {
            long next = train(session, steps, new Random());
            session.close();
            System.out.println("the next run starts at step " + next + "; checkpoints in " + storage.config());
        } catch (RuntimeException | IOException e) {
            session.close(e);
            throw e;
        }
    }

    /**
     * Runs {@code steps} steps from the latest checkpoint, value for value as the Python example:
     * the step index {@code i} runs from the checkpoint's {@code i} (0 when fresh) and is what
     * every report carries; at {@code (i + 1) % 10 == 0} a validation metric, progress
     * {@code (i - initial) / steps} and a checkpoint with {@code steps_completed = i} and the
     * file {@code state} = {@code "i,loss"}. A checkpoint written by either resumes in the other.
     *
     * @return the step index the next run starts from: the last checkpoint's {@code i}
     */
    static long train(TrialSession session, int steps, Random random) throws IOException {
        long initial = 0;
        String latest = session.info().latestCheckpoint();
        if (latest != null) {
            String state = session.checkpoints().restore(latest,
                    checkpoint -> Files.readString(checkpoint.resolve("state"), StandardCharsets.UTF_8));
            LOG.info("Checkpoint contents: " + state);
            initial = Long.parseLong(state.split(",")[0]);
        }
        LOG.info("determined experiment id: " + session.info().experimentId());
        LOG.info("initial step: " + initial);
        long resumeFrom = initial;
        for (long i = initial; i < initial + steps; i++) {
            session.metrics().reportTrainingMetrics(i, Map.of("loss", random.nextDouble()));
            if ((i + 1) % 10 == 0) {
                double loss = random.nextDouble();
                session.metrics().reportValidationMetrics(i, Map.of("loss", loss));
                session.metrics().reportProgress((double) (i - initial) / steps);
                // Python writes f"{i},{loss}": the float as repr, which is also its JSON form
                String state = i + "," + PythonJson.wire(loss);
                session.checkpoints().store(Map.of("steps_completed", i),
                        dir -> Files.writeString(dir.resolve("state"), state, StandardCharsets.UTF_8));
                resumeFrom = i;
            }
        }
        return resumeFrom;
    }
}
