package dev.determinedbatch.training;

import java.util.ArrayList;
import java.util.List;

/**
 * Softmax regression ({@code hidden == 0}) or one ReLU hidden layer, in float32. Every sum runs
 * in one fixed order (row, then output, then input) with plain {@code *} and {@code +} (Java
 * never fuses them), and the transcendental functions come from {@link StrictMath}, so the same
 * inputs give the same bits on any JVM and CPU.
 *
 * <p>Tensors, in this fixed order: {@code hidden.weight [H, F]}, {@code hidden.bias [H]} (only
 * with a hidden layer), {@code output.weight [C, H or F]}, {@code output.bias [C]}.
 */
final class Network {

    /** Loss summed over the rows (not averaged) and how many rows were classified right. */
    record Outcome(float lossSum, int correct) {
    }

    private final int features;
    private final int hidden;
    private final int classes;
    private final List<Tensor> weights;
    private final List<Tensor> gradients = new ArrayList<>();
    // scratch, grown to the largest batch seen; contents never outlive one call
    private float[] activations = new float[0];
    private float[] logits = new float[0];
    private float[] gradActivations = new float[0];
    private final float[] exps; // one row's exp(logit - max), for its sum and then its gradient

    private Network(int features, int hidden, int classes, List<Tensor> weights) {
        this.features = features;
        this.hidden = hidden;
        this.classes = classes;
        this.weights = weights;
        this.exps = new float[classes];
        for (Tensor w : weights) {
            gradients.add(Tensor.zeros(w.name(), w.shape()));
        }
    }

    /** The tensors a network of this size has, zero-filled, in the fixed order. */
    static List<Tensor> shapes(int features, int hidden, int classes) {
        List<Tensor> shapes = new ArrayList<>();
        for (Spec spec : layout(features, hidden, classes)) {
            shapes.add(Tensor.zeros(spec.name(), spec.shape()));
        }
        return shapes;
    }

    /**
     * Names and shapes in the fixed order, as "name[d0, d1]" (what {@link Tensor#describe()}
     * gives), without allocating: a corrupt state file may claim any size.
     */
    static List<String> describe(int features, int hidden, int classes) {
        List<String> described = new ArrayList<>();
        for (Spec spec : layout(features, hidden, classes)) {
            described.add(spec.name() + java.util.Arrays.toString(spec.shape()));
        }
        return described;
    }

    /** Tensor names in the fixed order. */
    static List<String> names(int hidden) {
        return layout(0, hidden, 0).stream().map(Spec::name).toList();
    }

    private record Spec(String name, int... shape) {
    }

    private static List<Spec> layout(int features, int hidden, int classes) {
        List<Spec> layout = new ArrayList<>();
        if (hidden > 0) {
            layout.add(new Spec("hidden.weight", hidden, features));
            layout.add(new Spec("hidden.bias", hidden));
        }
        layout.add(new Spec("output.weight", classes, hidden > 0 ? hidden : features));
        layout.add(new Spec("output.bias", classes));
        return layout;
    }

    /**
     * Weights drawn from {@code rng}: He init (std sqrt(2/fan-in)) before a ReLU, LeCun
     * (sqrt(1/fan-in)) before the softmax; biases zero.
     */
    static Network initialized(int features, int hidden, int classes, Xoshiro256 rng) {
        List<Tensor> weights = shapes(features, hidden, classes);
        for (Tensor t : weights) {
            if (t.name().endsWith(".weight")) {
                int fanIn = t.shape()[1];
                double std = StrictMath.sqrt((t.name().startsWith("hidden") ? 2.0 : 1.0) / fanIn);
                float[] w = t.values();
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) (rng.nextGaussian() * std);
                }
            }
        }
        return new Network(features, hidden, classes, weights);
    }

    /** Takes {@code weights} (already checked against {@link #shapes}) as the live weights. */
    static Network of(int features, int hidden, int classes, List<Tensor> weights) {
        return new Network(features, hidden, classes, weights);
    }

    List<Tensor> weights() {
        return weights;
    }

    List<Tensor> gradients() {
        return gradients;
    }

    /** Forward pass only. */
    Outcome evaluate(float[] x, int[] y, int rows) {
        forward(x, rows);
        return softmaxLoss(y, rows, false);
    }

    /** Forward and backward pass: leaves the gradient of the mean loss in {@link #gradients()}. */
    Outcome train(float[] x, int[] y, int rows) {
        forward(x, rows);
        Outcome outcome = softmaxLoss(y, rows, true); // logits now hold d(mean loss)/d(logits)
        if (hidden == 0) {
            denseBackward(x, logits, rows, features, classes, gradients.get(0), gradients.get(1));
            return outcome;
        }
        denseBackward(activations, logits, rows, hidden, classes, gradients.get(2), gradients.get(3));
        float[] w2 = weights.get(2).values();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < hidden; j++) {
                float sum = 0f;
                for (int o = 0; o < classes; o++) {
                    sum += w2[o * hidden + j] * logits[r * classes + o];
                }
                // ReLU passes the gradient only where it passed the signal
                gradActivations[r * hidden + j] = activations[r * hidden + j] > 0f ? sum : 0f;
            }
        }
        denseBackward(x, gradActivations, rows, features, hidden, gradients.get(0), gradients.get(1));
        return outcome;
    }

    private void forward(float[] x, int rows) {
        if (logits.length < rows * classes) {
            logits = new float[rows * classes];
            activations = new float[rows * hidden];
            gradActivations = new float[rows * hidden];
        }
        if (hidden == 0) {
            dense(x, rows, features, classes, weights.get(0), weights.get(1), logits);
            return;
        }
        dense(x, rows, features, hidden, weights.get(0), weights.get(1), activations);
        for (int i = 0; i < rows * hidden; i++) {
            activations[i] = Math.max(activations[i], 0f);
        }
        dense(activations, rows, hidden, classes, weights.get(2), weights.get(3), logits);
    }

    /** out[r][o] = bias[o] + sum_i weight[o][i] * in[r][i]. */
    private static void dense(float[] in, int rows, int inputs, int outputs, Tensor weight, Tensor bias,
            float[] out) {
        float[] w = weight.values();
        float[] b = bias.values();
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outputs; o++) {
                float sum = b[o];
                for (int i = 0; i < inputs; i++) {
                    sum += w[o * inputs + i] * in[r * inputs + i];
                }
                out[r * outputs + o] = sum;
            }
        }
    }

    /** Weight and bias gradients of a dense layer, summed over the rows in row order. */
    private static void denseBackward(float[] in, float[] gradOut, int rows, int inputs, int outputs,
            Tensor gradWeight, Tensor gradBias) {
        float[] gw = gradWeight.values();
        float[] gb = gradBias.values();
        java.util.Arrays.fill(gw, 0f);
        java.util.Arrays.fill(gb, 0f);
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outputs; o++) {
                float g = gradOut[r * outputs + o];
                gb[o] += g;
                for (int i = 0; i < inputs; i++) {
                    gw[o * inputs + i] += g * in[r * inputs + i];
                }
            }
        }
    }

    /**
     * Cross-entropy of the softmax of {@link #logits}. With {@code gradient}, replaces each logit
     * by its gradient of the mean loss, {@code (p - onehot) / rows}.
     */
    private Outcome softmaxLoss(int[] y, int rows, boolean gradient) {
        float lossSum = 0f;
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            int base = r * classes;
            int best = 0;
            for (int o = 1; o < classes; o++) {
                if (logits[base + o] > logits[base + best]) {
                    best = o; // first maximum wins ties
                }
            }
            if (best == y[r]) {
                correct++;
            }
            float max = logits[base + best];
            float sum = 0f;
            for (int o = 0; o < classes; o++) {
                exps[o] = (float) StrictMath.exp(logits[base + o] - max);
                sum += exps[o];
            }
            float logSum = (float) StrictMath.log(sum);
            lossSum += logSum - (logits[base + y[r]] - max);
            if (gradient) {
                for (int o = 0; o < classes; o++) {
                    float p = exps[o] / sum;
                    logits[base + o] = ((o == y[r] ? p - 1f : p)) / rows;
                }
            }
        }
        return new Outcome(lossSum, correct);
    }
}
