package dev.determinedbatch.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainingRunTests {

    static DigitsDataset.Split data;

    @BeforeAll
    static void load() throws IOException {
        data = DigitsDataset.loadBundled().split();
    }

    /** Small and quick: 3 epochs of 15 steps, the last of each epoch 37 rows. */
    static TrainingParameters small(long seed, int hiddenUnits) {
        return new TrainingParameters(seed, 3, 100, 0.1f, 0.9f, hiddenUnits);
    }

    @Test
    void defaultsReachNinetyFivePercentOnValidation() {
        TrainingParameters defaults = TrainingParameters.defaults();
        TrainingRun run = TrainingRun.start(defaults, data);
        assertThat(run.totalSteps()).isEqualTo(1350);
        long started = System.nanoTime();
        List<StepResult> steps = trainToEnd(run);
        Evaluation validation = run.evaluate(data.validation());
        System.out.printf("defaults %s: validation accuracy %.4f, loss %.4f, %d steps in %d ms%n", defaults.asMap(),
                validation.accuracy(), validation.loss(), steps.size(), (System.nanoTime() - started) / 1_000_000);
        assertThat(validation.accuracy()).isGreaterThanOrEqualTo(0.95f);
        assertThat(steps).hasSize(1350);
        assertThat(run.stepsCompleted()).isEqualTo(1350);
        assertThat(run.epoch()).isEqualTo(30);
    }

    @Test
    void stepsWalkThroughTheEpochs() {
        TrainingRun run = TrainingRun.start(small(1, 0), data);
        assertThat(run.totalSteps()).isEqualTo(45);
        assertThat(run.epoch()).isZero();
        assertThat(run.stepsCompleted()).isZero();
        List<StepResult> steps = trainToEnd(run);
        for (int i = 0; i < steps.size(); i++) {
            StepResult step = steps.get(i);
            assertThat(step.step()).isEqualTo(i + 1);
            assertThat(step.epoch()).isEqualTo(i / 15);
            assertThat(step.endOfEpoch()).isEqualTo((i + 1) % 15 == 0);
            assertThat(step.loss()).isPositive().isFinite();
            assertThat(step.accuracy()).isBetween(0f, 1f);
        }
        // the last batch of an epoch holds the 37 rows left: accuracy is k/37
        float last = steps.get(14).accuracy() * 37;
        assertThat(Math.abs(last - Math.round(last))).isLessThan(1e-4f);
        assertThat(steps.get(44).loss()).isLessThan(steps.get(0).loss());
        assertThat(run.finished()).isTrue();
        assertThatThrownBy(run::step).isInstanceOf(IllegalStateException.class).hasMessageContaining("finished after 45");
    }

    @Test
    void sameSeedSameModelOtherSeedOtherModel() {
        for (int hidden : new int[] {0, 16}) {
            String a = finish(TrainingRun.start(small(7, hidden), data)).modelSha256();
            String b = finish(TrainingRun.start(small(7, hidden), data)).modelSha256();
            String c = finish(TrainingRun.start(small(8, hidden), data)).modelSha256();
            assertThat(a).hasSize(64).matches("[0-9a-f]+").isEqualTo(b).isNotEqualTo(c);
        }
    }

    @Test
    void evaluationIsDeterministicAndChangesNothing() {
        TrainingRun run = TrainingRun.start(small(3, 16), data);
        run.step();
        String sha = run.modelSha256();
        Evaluation first = run.evaluate(data.validation());
        assertThat(run.evaluate(data.validation())).isEqualTo(first);
        assertThat(run.modelSha256()).isEqualTo(sha);
        assertThat(first.accuracy()).isBetween(0f, 1f);
    }

    @Test
    void stateIsADeepCopy() {
        TrainingRun run = TrainingRun.start(small(3, 16), data);
        run.step();
        TrainingState kept = run.state();
        String sha = kept.modelSha256();
        int[] permutation = kept.permutation();
        assertThat(sha).isEqualTo(run.modelSha256());
        for (int i = 0; i < 20; i++) {
            run.step(); // crosses into epoch 1: a new permutation
        }
        assertThat(kept.modelSha256()).isEqualTo(sha);
        assertThat(kept.permutation()).isEqualTo(permutation);
        assertThat(kept.stepsCompleted()).isEqualTo(1);
        assertThat(run.modelSha256()).isNotEqualTo(sha);
    }

    @Test
    void resumeRefusesAStateOfOtherParametersNamingWhatDiffers() {
        TrainingState state = TrainingRun.start(small(3, 16), data).state();
        TrainingParameters otherBatch = new TrainingParameters(3, 3, 64, 0.1f, 0.9f, 16);
        assertThatThrownBy(() -> TrainingRun.resume(otherBatch, data, state))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("state was saved with batchSize 100, this run has 64");
        assertThatThrownBy(() -> TrainingRun.resume(small(3, 32), data, state)).hasMessageContaining("hiddenUnits 16");
        assertThatThrownBy(() -> TrainingRun.resume(small(4, 16), data, state)).hasMessageContaining("seed 3");
        TrainingParameters otherRate = new TrainingParameters(3, 3, 100, 0.05f, 0.9f, 16);
        assertThatThrownBy(() -> TrainingRun.resume(otherRate, data, state))
                .hasMessage("state was saved with learningRate 0.1, this run has 0.05");
        DigitsDataset.Split swapped = new DigitsDataset.Split(data.validation(), data.training());
        assertThatThrownBy(() -> TrainingRun.resume(small(3, 16), swapped, state))
                .hasMessage("state was saved for 1437 training rows, this run's data has 360");
    }

    @Test
    void modelShaIsTheShaOfTheWeightBytes() throws Exception {
        TrainingRun run = TrainingRun.start(small(3, 16), data);
        run.step();
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        List<String> names = new ArrayList<>();
        for (Tensor t : run.weights()) {
            names.add(t.name());
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(t.size() * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (float f : t.data()) {
                bytes.putInt(Float.floatToRawIntBits(f));
            }
            digest.update(bytes.array());
        }
        assertThat(names).containsExactly("hidden.weight", "hidden.bias", "output.weight", "output.bias");
        assertThat(run.modelSha256()).isEqualTo(java.util.HexFormat.of().formatHex(digest.digest()));
    }

    static List<StepResult> trainToEnd(TrainingRun run) {
        List<StepResult> steps = new ArrayList<>();
        while (!run.finished()) {
            steps.add(run.step());
        }
        return steps;
    }

    static TrainingRun finish(TrainingRun run) {
        trainToEnd(run);
        return run;
    }
}
