package dev.determinedbatch.training;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Everything a {@link TrainingRun} needs to continue exactly where it was: the parameters, the
 * weights, the momentum buffers, the generator state, and the data position (the current epoch,
 * the rows of it already used, and the epoch's shuffled row order). Immutable: built from copies,
 * hands out copies. The constructor checks that the parts fit together, so a state read from
 * files is either consistent or refused.
 */
public final class TrainingState {

    private final TrainingParameters parameters;
    private final List<Tensor> model;
    private final List<Tensor> optimizer;
    private final long[] rngState;
    private final int epoch;
    private final int positionInEpoch;
    private final int[] permutation;
    private final long stepsCompleted;

    /**
     * @param model           the network's tensors in their fixed order (see {@link #modelSha256()})
     * @param optimizer       one momentum buffer per model tensor, named {@code <tensor>.momentum_buffer}
     * @param rngState        the four words of {@link Xoshiro256#state()}
     * @param epoch           0-based epoch of the next step; {@code epochs} when finished
     * @param positionInEpoch rows of {@code permutation} already trained on in this epoch
     * @param permutation     this epoch's order of the training rows
     * @param stepsCompleted  SGD steps taken since the start
     * @throws IllegalArgumentException naming the first part that does not fit
     */
    public TrainingState(TrainingParameters parameters, List<Tensor> model, List<Tensor> optimizer,
            long[] rngState, int epoch, int positionInEpoch, int[] permutation, long stepsCompleted) {
        this(parameters, copy(model), copy(optimizer), rngState.clone(), epoch, positionInEpoch, permutation.clone(),
                stepsCompleted, true);
    }

    /**
     * A state of tensors just read from files, which no one else holds: kept without a copy (a
     * copy of every weight is what restoring a large model would otherwise pay for twice).
     */
    static TrainingState adopt(TrainingParameters parameters, List<Tensor> model, List<Tensor> optimizer,
            long[] rngState, int epoch, int positionInEpoch, int[] permutation, long stepsCompleted) {
        return new TrainingState(parameters, List.copyOf(model), List.copyOf(optimizer), rngState.clone(), epoch,
                positionInEpoch, permutation.clone(), stepsCompleted, true);
    }

    /** Keeps what it is given; {@code owned} only tells it from the public constructor. */
    private TrainingState(TrainingParameters parameters, List<Tensor> model, List<Tensor> optimizer,
            long[] rngState, int epoch, int positionInEpoch, int[] permutation, long stepsCompleted, boolean owned) {
        if (parameters == null) {
            throw new IllegalArgumentException("parameters must not be null");
        }
        this.parameters = parameters;
        this.model = model;
        this.optimizer = optimizer;
        this.rngState = rngState;
        this.epoch = epoch;
        this.positionInEpoch = positionInEpoch;
        this.permutation = permutation;
        this.stepsCompleted = stepsCompleted;
        checkTensors();
        Xoshiro256.restore(this.rngState); // refuses a wrong length or the all-zero state
        checkPosition();
    }

    private void checkTensors() {
        if (model.isEmpty()) {
            throw new IllegalArgumentException("model has no tensors");
        }
        List<String> expected = Network.describe(features(), parameters.hiddenUnits(), classes());
        if (!describe(model).equals(expected)) {
            throw new IllegalArgumentException("model tensors " + describe(model) + " do not fit hiddenUnits "
                    + parameters.hiddenUnits() + ": expected " + expected);
        }
        List<String> expectedBuffers = new ArrayList<>();
        for (Tensor t : model) {
            expectedBuffers.add(t.name() + MomentumSgd.SUFFIX + Arrays.toString(t.shape()));
        }
        if (!describe(optimizer).equals(expectedBuffers)) {
            throw new IllegalArgumentException("optimizer tensors " + describe(optimizer)
                    + " do not fit the model: expected " + expectedBuffers);
        }
    }

    private void checkPosition() {
        int rows = permutation.length;
        boolean[] seen = new boolean[rows];
        for (int row : permutation) {
            if (row < 0 || row >= rows || seen[row]) {
                throw new IllegalArgumentException("permutation is not an order of the rows 0.." + (rows - 1)
                        + ": " + row + " is out of range or repeated");
            }
            seen[row] = true;
        }
        if (rows == 0) {
            throw new IllegalArgumentException("permutation is empty: no training rows");
        }
        int batch = parameters.batchSize();
        if (epoch < 0 || epoch > parameters.epochs()) {
            throw new IllegalArgumentException("epoch must be in 0.." + parameters.epochs() + ", got " + epoch);
        }
        if (positionInEpoch < 0 || positionInEpoch >= rows || positionInEpoch % batch != 0
                || (epoch == parameters.epochs() && positionInEpoch != 0)) {
            throw new IllegalArgumentException("positionInEpoch must be a multiple of batchSize " + batch
                    + " below " + rows + " (0 once finished), got " + positionInEpoch);
        }
        long expectedSteps = (long) epoch * stepsPerEpoch(rows, batch) + positionInEpoch / batch;
        if (stepsCompleted != expectedSteps) {
            throw new IllegalArgumentException("stepsCompleted " + stepsCompleted + " does not match epoch "
                    + epoch + " and positionInEpoch " + positionInEpoch + " (expected " + expectedSteps + ")");
        }
    }

    static long stepsPerEpoch(int rows, int batchSize) {
        return (rows + (long) batchSize - 1) / batchSize;
    }

    private static List<Tensor> copy(List<Tensor> tensors) {
        List<Tensor> copies = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) {
            copies.add(t.copy());
        }
        return List.copyOf(copies);
    }

    private static List<String> describe(List<Tensor> tensors) {
        List<String> names = new ArrayList<>();
        for (Tensor t : tensors) {
            names.add(t.describe());
        }
        return names;
    }

    public TrainingParameters parameters() {
        return parameters;
    }

    /** Copies of the model tensors, in their fixed order. */
    public List<Tensor> model() {
        return copy(model);
    }

    /** The model tensors themselves, for writing them out; never to be changed. */
    List<Tensor> modelTensors() {
        return model;
    }

    /** The momentum buffers themselves, for writing them out; never to be changed. */
    List<Tensor> optimizerTensors() {
        return optimizer;
    }

    /** Copies of the momentum buffers, in the model's order. */
    public List<Tensor> optimizer() {
        return copy(optimizer);
    }

    public long[] rngState() {
        return rngState.clone();
    }

    public int epoch() {
        return epoch;
    }

    public int positionInEpoch() {
        return positionInEpoch;
    }

    public int[] permutation() {
        return permutation.clone();
    }

    public long stepsCompleted() {
        return stepsCompleted;
    }

    public boolean finished() {
        return epoch == parameters.epochs();
    }

    public int trainingRows() {
        return permutation.length;
    }

    /** Inputs per row, from the first weight matrix. */
    public int features() {
        int[] shape = model.get(0).shape();
        return shape.length == 0 ? 0 : shape[shape.length - 1];
    }

    /** Outputs, from the last tensor (the output bias). */
    public int classes() {
        return model.get(model.size() - 1).size();
    }

    /** See {@link TrainingRun#modelSha256()}. */
    public String modelSha256() {
        return sha256(model);
    }

    /** Hex SHA-256 over the raw little-endian float32 bytes of the tensors, in list order. */
    static String sha256(List<Tensor> tensors) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        for (Tensor t : tensors) {
            digest.update(littleEndian(t.values()));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The bytes safetensors stores for F32: raw IEEE bits, little-endian, NaN payloads kept. */
    static ByteBuffer littleEndian(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return bytes;
    }

    @Override
    public String toString() {
        return "TrainingState[step " + stepsCompleted + ", epoch " + epoch + ", position " + positionInEpoch
                + ", " + parameters + "]";
    }
}
