package dev.determinedbatch.training;

import java.util.Arrays;

/**
 * A named float32 array with a shape, row-major: the unit that is trained, saved as one
 * safetensors entry and hashed. The public accessors copy; the trainer works on the live array.
 */
public final class Tensor {

    private final String name;
    private final int[] shape;
    private final float[] data;

    /** Copies {@code shape} and {@code data}. */
    public Tensor(String name, int[] shape, float[] data) {
        this(name, shape.clone(), data.clone(), true);
    }

    /** Takes {@code data} as it is, without a copy: for arrays no one else holds (just read from a file). */
    static Tensor adopt(String name, int[] shape, float[] data) {
        return new Tensor(name, shape.clone(), data, true);
    }

    /** Keeps the arrays given; {@code owned} only tells it from the public constructor. */
    private Tensor(String name, int[] shape, float[] data, boolean owned) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor name must not be empty");
        }
        if (elements(shape) != data.length) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape)
                    + " (" + elements(shape) + " values) but " + data.length + " values");
        }
        this.name = name;
        this.shape = shape;
        this.data = data;
    }

    /** A tensor of zeros. */
    static Tensor zeros(String name, int... shape) {
        return new Tensor(name, shape, new float[Math.toIntExact(elements(shape))]);
    }

    static long elements(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public float[] data() {
        return data.clone();
    }

    public int size() {
        return data.length;
    }

    /** The live array, for the trainer and the file writer. */
    float[] values() {
        return data;
    }

    Tensor copy() {
        return new Tensor(name, shape, data);
    }

    boolean sameShape(Tensor other) {
        return name.equals(other.name) && Arrays.equals(shape, other.shape);
    }

    String describe() {
        return name + Arrays.toString(shape);
    }

    /** Same name, shape and bit-identical values. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tensor t) || !sameShape(t)) {
            return false;
        }
        for (int i = 0; i < data.length; i++) {
            if (Float.floatToRawIntBits(data[i]) != Float.floatToRawIntBits(t.data[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor[" + describe() + "]";
    }
}
