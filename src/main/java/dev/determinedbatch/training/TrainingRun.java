package dev.determinedbatch.training;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Mini-batch SGD on the digits, driven one step at a time. Its whole state can be taken after
 * any step ({@link #state()}) and a run resumed from it ({@link #resume}) continues with exactly
 * the bits an uninterrupted run would have had: all arithmetic is float32 in a fixed order, and
 * the only randomness (weight init, each epoch's shuffle) comes from a generator whose state is
 * saved.
 *
 * <p>Not thread-safe: one caller steps it.
 */
public final class TrainingRun {

    private static final int EVALUATION_CHUNK = 256;

    private final TrainingParameters parameters;
    private final DigitsDataset training;
    private final Network network;
    private final MomentumSgd optimizer;
    private final Xoshiro256 rng;
    private final int[] permutation;
    private final long stepsPerEpoch;
    private int epoch;
    private int position;
    private long stepsCompleted;
    private final float[] batchPixels;
    private final int[] batchLabels;

    private TrainingRun(TrainingParameters parameters, DigitsDataset training, Network network,
            MomentumSgd optimizer, Xoshiro256 rng, int[] permutation) {
        this.parameters = parameters;
        this.training = training;
        this.network = network;
        this.optimizer = optimizer;
        this.rng = rng;
        this.permutation = permutation;
        this.stepsPerEpoch = TrainingState.stepsPerEpoch(training.size(), parameters.batchSize());
        int batch = Math.min(parameters.batchSize(), training.size());
        this.batchPixels = new float[batch * training.features()];
        this.batchLabels = new int[batch];
    }

    /** A fresh run: weights, then the first epoch's order, drawn from {@code p.seed()}. */
    public static TrainingRun start(TrainingParameters p, DigitsDataset.Split data) {
        Objects.requireNonNull(p, "parameters");
        DigitsDataset training = Objects.requireNonNull(data, "data").training();
        if (training.size() == 0) {
            throw new IllegalArgumentException("the training data has no rows");
        }
        Xoshiro256 rng = Xoshiro256.seeded(p.seed());
        Network network = Network.initialized(training.features(), p.hiddenUnits(), training.classes(), rng);
        MomentumSgd optimizer = MomentumSgd.of(p, MomentumSgd.zeroBuffers(network.weights()));
        TrainingRun run = new TrainingRun(p, training, network, optimizer, rng, new int[training.size()]);
        run.shuffle();
        return run;
    }

    /**
     * Continues from {@code state}.
     *
     * @throws IllegalArgumentException naming what differs, when {@code state} was saved with
     *                                  other parameters or for data of another shape
     */
    public static TrainingRun resume(TrainingParameters p, DigitsDataset.Split data, TrainingState state) {
        Objects.requireNonNull(p, "parameters");
        Objects.requireNonNull(state, "state");
        DigitsDataset training = Objects.requireNonNull(data, "data").training();
        checkMatches(p, training, state);
        Network network = Network.of(training.features(), p.hiddenUnits(), training.classes(), state.model());
        MomentumSgd optimizer = MomentumSgd.of(p, state.optimizer());
        TrainingRun run = new TrainingRun(p, training, network, optimizer,
                Xoshiro256.restore(state.rngState()), state.permutation());
        run.epoch = state.epoch();
        run.position = state.positionInEpoch();
        run.stepsCompleted = state.stepsCompleted();
        return run;
    }

    private static void checkMatches(TrainingParameters p, DigitsDataset training, TrainingState state) {
        Map<String, Object> ours = p.asMap();
        Map<String, Object> saved = state.parameters().asMap();
        for (String name : ours.keySet()) { // asMap keeps declaration order: the report is stable
            if (!ours.get(name).equals(saved.get(name))) {
                throw new IllegalArgumentException("state was saved with " + name + " " + saved.get(name)
                        + ", this run has " + ours.get(name));
            }
        }
        requireSame("training rows", state.trainingRows(), training.size());
        requireSame("features", state.features(), training.features());
        requireSame("classes", state.classes(), training.classes());
    }

    private static void requireSame(String what, int saved, int ours) {
        if (saved != ours) {
            throw new IllegalArgumentException("state was saved for " + saved + " " + what
                    + ", this run's data has " + ours);
        }
    }

    /** {@code epochs * ceil(trainingRows / batchSize)}. */
    public long totalSteps() {
        return parameters.epochs() * stepsPerEpoch;
    }

    public long stepsCompleted() {
        return stepsCompleted;
    }

    /** 0-based epoch of the next step; {@code epochs} once finished. */
    public int epoch() {
        return epoch;
    }

    public boolean finished() {
        return epoch == parameters.epochs();
    }

    public TrainingParameters parameters() {
        return parameters;
    }

    /**
     * One SGD step on the next mini-batch of this epoch's order; the epoch's last batch takes the
     * rows that are left, so it may be smaller.
     *
     * @throws IllegalStateException when {@link #finished()}
     */
    public StepResult step() {
        if (finished()) {
            throw new IllegalStateException("training finished after " + stepsCompleted + " steps");
        }
        int rows = Math.min(parameters.batchSize(), training.size() - position);
        int features = training.features();
        for (int r = 0; r < rows; r++) {
            int row = permutation[position + r];
            training.copyPixels(row, batchPixels, r * features);
            batchLabels[r] = training.label(row);
        }
        Network.Outcome outcome = network.train(batchPixels, batchLabels, rows);
        optimizer.apply(network.weights(), network.gradients());
        int stepEpoch = epoch;
        position += rows;
        stepsCompleted++;
        boolean endOfEpoch = position == training.size();
        if (endOfEpoch) {
            epoch++;
            position = 0;
            if (!finished()) {
                shuffle(); // now, so that a state taken at an epoch's end already holds the next order
            }
        }
        return new StepResult(stepsCompleted, stepEpoch, outcome.lossSum() / rows,
                (float) outcome.correct() / rows, endOfEpoch);
    }

    /** Each epoch's order is a fresh Fisher-Yates shuffle of 0..n-1, so it depends on the RNG only. */
    private void shuffle() {
        for (int i = 0; i < permutation.length; i++) {
            permutation[i] = i;
        }
        rng.shuffle(permutation);
    }

    /** Loss and accuracy over every row of {@code data}, in row order; changes nothing. */
    public Evaluation evaluate(DigitsDataset data) {
        requireSame("features", training.features(), data.features());
        int features = data.features();
        int chunk = Math.min(EVALUATION_CHUNK, data.size());
        float[] pixels = new float[chunk * features];
        int[] labels = new int[chunk];
        float lossSum = 0f;
        long correct = 0;
        for (int start = 0; start < data.size(); start += chunk) {
            int rows = Math.min(chunk, data.size() - start);
            for (int r = 0; r < rows; r++) {
                data.copyPixels(start + r, pixels, r * features);
                labels[r] = data.label(start + r);
            }
            Network.Outcome outcome = network.evaluate(pixels, labels, rows);
            lossSum += outcome.lossSum();
            correct += outcome.correct();
        }
        return new Evaluation(lossSum / data.size(), (float) correct / data.size());
    }

    /** A deep copy of everything needed to continue: safe to keep while training goes on. */
    public TrainingState state() {
        return new TrainingState(parameters, network.weights(), optimizer.velocity(), rng.state(), epoch,
                position, permutation, stepsCompleted);
    }

    /**
     * Hex SHA-256 over the model weights alone: each tensor's float32 values as raw little-endian
     * bytes, in the fixed order {@code hidden.weight, hidden.bias} (with a hidden layer),
     * {@code output.weight, output.bias}. That is also the SHA-256 of the data section of the
     * {@code model.safetensors} that {@link TrainingStateFiles} writes.
     */
    public String modelSha256() {
        return TrainingState.sha256(network.weights());
    }

    /** Copies of the current weights, in the fixed order. */
    public List<Tensor> weights() {
        return network.weights().stream().map(Tensor::copy).toList();
    }

    @Override
    public String toString() {
        return "TrainingRun[step " + stepsCompleted + "/" + totalSteps() + ", epoch " + epoch + ", " + parameters + "]";
    }
}
