package dev.determinedbatch.bench;

import dev.determinedbatch.training.Tensor;
import dev.determinedbatch.training.TrainingState;
import java.io.Serializable;

/**
 * What a reader's {@code checkpointInfo()} returns when it keeps the whole training state there,
 * the naive way P4 measures: weights, momentum, generator and data position as one
 * {@link Serializable}, which JBeret then serializes (Java serialization) into its job repository.
 * Only the benchmark makes these; the project never stores state this way.
 */
record NaiveCheckpointInfo(float[][] model, float[][] optimizer, long[] rng, int epoch, int positionInEpoch,
                           int[] permutation, long stepsCompleted) implements Serializable {

    private static final long serialVersionUID = 1L;

    static NaiveCheckpointInfo of(TrainingState state) {
        return new NaiveCheckpointInfo(arrays(state.model().toArray(Tensor[]::new)),
                arrays(state.optimizer().toArray(Tensor[]::new)), state.rngState(), state.epoch(),
                state.positionInEpoch(), state.permutation(), state.stepsCompleted());
    }

    private static float[][] arrays(Tensor[] tensors) {
        float[][] arrays = new float[tensors.length][];
        for (int i = 0; i < tensors.length; i++) {
            arrays[i] = tensors[i].data();
        }
        return arrays;
    }
}
