package dev.determinedbatch.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An interrupted run, saved to files, read back and resumed, ends bit-identical to one that was
 * never interrupted: the same weights and the same bits in every step result and evaluation.
 */
class ResumeTests {

    static DigitsDataset.Split data;

    @BeforeAll
    static void load() throws IOException {
        data = DigitsDataset.loadBundled().split();
    }

    /** What a run leaves behind: every step, the final evaluations and weights. */
    record Trace(List<StepResult> steps, Evaluation training, Evaluation validation, String sha,
            List<Tensor> weights) {
    }

    // 3 epochs of 15 steps: cut at the start, after the first step, mid-epoch, at an epoch's end,
    // just after it, before the last step and after it
    @ParameterizedTest(name = "hiddenUnits {0}, cut after step {1}")
    @CsvSource({"0, 0", "0, 1", "0, 7", "0, 15", "0, 16", "0, 44", "0, 45",
            "16, 0", "16, 1", "16, 7", "16, 15", "16, 16", "16, 30", "16, 44", "16, 45"})
    void resumedRunEndsBitIdentical(int hiddenUnits, int cut, @TempDir Path dir) throws IOException {
        TrainingParameters p = TrainingRunTests.small(11, hiddenUnits);
        Trace uninterrupted = trace(TrainingRun.start(p, data), new ArrayList<>());

        TrainingRun first = TrainingRun.start(p, data);
        List<StepResult> steps = new ArrayList<>();
        for (int i = 0; i < cut; i++) {
            steps.add(first.step());
        }
        TrainingStateFiles.write(first.state(), dir);
        for (int i = 0; i < 3 && !first.finished(); i++) {
            first.step(); // work after the save is lost, as when a job is killed
        }
        TrainingRun resumed = TrainingRun.resume(p, data, TrainingStateFiles.read(dir));
        assertThat(resumed.stepsCompleted()).isEqualTo(cut);
        Trace interrupted = trace(resumed, steps);

        assertSameBits(interrupted, uninterrupted);
    }

    @ParameterizedTest(name = "hiddenUnits {0}")
    @CsvSource({"0", "16"})
    void resumingFromAStateInMemoryWorksToo(int hiddenUnits) {
        TrainingParameters p = new TrainingParameters(5, 2, 64, 0.05f, 0.5f, hiddenUnits);
        Trace uninterrupted = trace(TrainingRun.start(p, data), new ArrayList<>());
        TrainingRun run = TrainingRun.start(p, data);
        List<StepResult> steps = new ArrayList<>();
        TrainingRun resumed = null;
        for (int i = 0; i < 30; i++) {
            steps.add(run.step());
            // resume after every step: a chain of 30 interruptions
            TrainingRun next = TrainingRun.resume(p, data, run.state());
            run = next;
            resumed = next;
        }
        assertSameBits(trace(resumed, steps), uninterrupted);
    }

    static Trace trace(TrainingRun run, List<StepResult> before) {
        List<StepResult> steps = new ArrayList<>(before);
        steps.addAll(TrainingRunTests.trainToEnd(run));
        return new Trace(steps, run.evaluate(data.training()), run.evaluate(data.validation()), run.modelSha256(),
                run.weights());
    }

    static void assertSameBits(Trace actual, Trace expected) {
        assertThat(actual.sha()).isEqualTo(expected.sha());
        assertThat(actual.weights()).isEqualTo(expected.weights()); // Tensor.equals compares raw bits
        assertThat(actual.steps()).hasSameSizeAs(expected.steps());
        for (int i = 0; i < expected.steps().size(); i++) {
            StepResult a = actual.steps().get(i);
            StepResult e = expected.steps().get(i);
            assertThat(a.step()).isEqualTo(e.step());
            assertThat(a.epoch()).isEqualTo(e.epoch());
            assertThat(a.endOfEpoch()).isEqualTo(e.endOfEpoch());
            assertThat(Float.floatToRawIntBits(a.loss())).as("loss bits of step %d", e.step())
                    .isEqualTo(Float.floatToRawIntBits(e.loss()));
            assertThat(Float.floatToRawIntBits(a.accuracy())).as("accuracy bits of step %d", e.step())
                    .isEqualTo(Float.floatToRawIntBits(e.accuracy()));
        }
        assertSameBits(actual.training(), expected.training());
        assertSameBits(actual.validation(), expected.validation());
    }

    static void assertSameBits(Evaluation actual, Evaluation expected) {
        assertThat(Float.floatToRawIntBits(actual.loss())).isEqualTo(Float.floatToRawIntBits(expected.loss()));
        assertThat(Float.floatToRawIntBits(actual.accuracy())).isEqualTo(Float.floatToRawIntBits(expected.accuracy()));
    }
}
