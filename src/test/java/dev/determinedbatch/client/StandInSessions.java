package dev.determinedbatch.client;

import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.master.Credentials;
import dev.determinedbatch.client.master.MasterSettings;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import dev.determinedbatch.time.Backoff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Trial sessions against the master stand-in, as the client's tests open them. */
final class StandInSessions {

    private StandInSessions() {
    }

    /** A trial with checkpoints in {@code checkpointDir}. */
    static TrialSpec spec(Path checkpointDir, String experiment, String trial) throws IOException {
        return TrialSpec.builder(FileSystemStorages.open(checkpointDir.toString()))
                .externalExperimentId(experiment).externalTrialId(trial).build();
    }

    /** The stand-in, as its default user {@code determined} with the empty password. */
    static MasterSettings settings(StandInMaster master) {
        return MasterSettings.of(master.url(), Credentials.password("determined", ""));
    }

    /** Options on {@code time}, retries without waiting or jitter, spilling into {@code spill}. */
    static SessionOptions options(StandInMaster master, ManualScheduler time, Path spill) {
        return SessionOptions.master(settings(master)).withTime(time, time, duration -> { }).withJitter(Backoff.NO_JITTER)
                .withSpillDirectory(spill);
    }

    /** Stores a checkpoint of {@code steps} holding one file, {@code state}. */
    static StoredCheckpoint store(TrialSession session, long steps) {
        return session.checkpoints().store(Map.of("steps_completed", steps),
                dir -> Files.writeString(dir.resolve("state"), Long.toString(steps)));
    }

    /** Reports a training loss of {@code 1 / step} at each step from {@code from} to {@code to}, both included. */
    static void reportTraining(TrialSession session, int from, int to) {
        for (int step = from; step <= to; step++) {
            session.metrics().reportTrainingMetrics(step, Map.of("loss", 1.0 / step));
        }
    }

    /** The regular files below {@code root}. */
    static List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }
}
