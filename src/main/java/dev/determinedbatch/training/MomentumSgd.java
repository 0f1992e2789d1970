package dev.determinedbatch.training;

import java.util.ArrayList;
import java.util.List;

/**
 * SGD with heavy-ball momentum as PyTorch has it: {@code v = momentum * v + g; w = w - lr * v}.
 * The velocity buffers are part of the training state: without them a resumed run would take a
 * different first step.
 */
final class MomentumSgd {

    static final String SUFFIX = ".momentum_buffer";

    private final float learningRate;
    private final float momentum;
    private final List<Tensor> velocity;

    private MomentumSgd(float learningRate, float momentum, List<Tensor> velocity) {
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.velocity = velocity;
    }

    /** Zero velocity, one buffer per weight tensor, named {@code <weight>.momentum_buffer}. */
    static List<Tensor> zeroBuffers(List<Tensor> weights) {
        List<Tensor> buffers = new ArrayList<>();
        for (Tensor w : weights) {
            buffers.add(Tensor.zeros(w.name() + SUFFIX, w.shape()));
        }
        return buffers;
    }

    /** Uses {@code velocity} (already checked against the weights) as the live buffers. */
    static MomentumSgd of(TrainingParameters p, List<Tensor> velocity) {
        return new MomentumSgd(p.learningRate(), p.momentum(), velocity);
    }

    List<Tensor> velocity() {
        return velocity;
    }

    void apply(List<Tensor> weights, List<Tensor> gradients) {
        for (int t = 0; t < weights.size(); t++) {
            float[] w = weights.get(t).values();
            float[] g = gradients.get(t).values();
            float[] v = velocity.get(t).values();
            for (int i = 0; i < w.length; i++) {
                v[i] = momentum * v[i] + g[i];
                w[i] -= learningRate * v[i];
            }
        }
    }
}
