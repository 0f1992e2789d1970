package dev.determinedbatch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.client.ManualScheduler;
import dev.determinedbatch.client.SessionOptions;
import dev.determinedbatch.client.TrialSession;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.master.Credentials;
import dev.determinedbatch.client.master.MasterSettings;
import dev.determinedbatch.standin.Checkpoint;
import dev.determinedbatch.standin.MetricReport;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.standin.Trial;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed example, run twice against the stand-in as one would against a master. */
class SeedExampleTests {

    @TempDir
    Path checkpoints;
    @TempDir
    Path spill;

    @Test
    void theSecondRunResumesWhereTheFirstStopped() throws IOException {
        try (StandInMaster master = StandInMaster.start()) {
            assertThat(run(master)).isEqualTo(100);
            assertThat(run(master)).isEqualTo(200);

            Trial trial = master.state().trials().get(0);
            assertThat(master.state().trials()).hasSize(1);
            assertThat(trial.externalTrialId()).isEqualTo(SeedExample.EXTERNAL_ID);
            assertThat(trial.state()).isEqualTo("STATE_COMPLETED");
            List<Checkpoint> stored = master.state().checkpoints(trial.id());
            assertThat(stored).extracting(Checkpoint::stepsCompleted)
                    .containsExactly(java.util.stream.LongStream.rangeClosed(1, 20).map(i -> i * 10).boxed().toArray(Long[]::new));
            List<MetricReport> metrics = master.state().metrics(trial.id());
            assertThat(metrics).filteredOn(m -> m.group().equals("training")).hasSize(200)
                    .noneMatch(MetricReport::archived);
            assertThat(metrics).filteredOn(m -> m.group().equals("validation")).hasSize(20);
            assertThat(metrics).filteredOn(m -> m.trialRunId() == 2)
                    .allMatch(m -> m.stepsCompleted() > 100);
        }
    }

    private long run(StandInMaster master) throws IOException {
        TrialSpec spec = TrialSpec.builder(FileSystemStorages.open(checkpoints.toString()))
                .name("unmanaged-2-checkpoints").externalExperimentId(SeedExample.EXTERNAL_ID)
                .externalTrialId(SeedExample.EXTERNAL_ID).build();
        ManualScheduler time = new ManualScheduler();
        SessionOptions options = SessionOptions.master(MasterSettings.of(master.url(),
                Credentials.password("determined", ""))).withTime(time, time, duration -> { })
                .withSpillDirectory(spill);
        try (TrialSession session = TrialSession.init(spec, options)) {
            return SeedExample.train(session, 100, new Random(1));
        }
    }
}
