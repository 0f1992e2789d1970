package dev.determinedbatch.training;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hyperparameters of one training run. Validated on construction, so a run never starts with
 * a value that would only fail (or silently diverge) later.
 *
 * @param seed         weight init and every epoch's shuffle derive from it; any value
 * @param epochs       full passes over the training rows, positive
 * @param batchSize    rows per SGD step (the last step of an epoch may have fewer), positive
 * @param learningRate SGD step size, positive and finite
 * @param momentum     heavy-ball momentum in [0, 1); 0 is plain SGD
 * @param hiddenUnits  0 for softmax regression, otherwise the width of one ReLU hidden layer
 */
public record TrainingParameters(long seed, int epochs, int batchSize, float learningRate, float momentum,
        int hiddenUnits) {

    public TrainingParameters {
        positive("epochs", epochs);
        positive("batchSize", batchSize);
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException(
                    "learningRate must be a positive finite number, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (hiddenUnits < 0) {
            throw new IllegalArgumentException(
                    "hiddenUnits must be 0 (softmax regression) or positive, got " + hiddenUnits);
        }
    }

    /**
     * Seed 42, 30 epochs of batch 32 (1350 steps), learning rate 0.1, momentum 0.9, 64 hidden
     * units: 0.969 validation accuracy on the bundled digits (0.974 on average over 20 seeds, 0.967
     * at worst), in about a quarter of a second.
     */
    public static TrainingParameters defaults() {
        return new TrainingParameters(42L, 30, 32, 0.1f, 0.9f, 64);
    }

    /**
     * Name to value, in declaration order, for a hyperparameter report. The two floats are given
     * as the shortest decimal that reads back to the same float ({@code 0.05}, not
     * {@code 0.05000000074505806}), so they print as the user wrote them.
     */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("seed", seed);
        map.put("epochs", epochs);
        map.put("batchSize", batchSize);
        map.put("learningRate", decimal(learningRate));
        map.put("momentum", decimal(momentum));
        map.put("hiddenUnits", hiddenUnits);
        return Collections.unmodifiableMap(map);
    }

    /**
     * The inverse of {@link #asMap()}: reads numbers of any type (job parameters and JSON give
     * Long, Integer, Double); every key must be present.
     *
     * @throws IllegalArgumentException naming a missing, non-numeric, fractional or invalid value
     */
    public static TrainingParameters fromMap(Map<String, ?> map) {
        return new TrainingParameters(whole(map, "seed"), (int) intValue(map, "epochs"),
                (int) intValue(map, "batchSize"), floatValue(map, "learningRate"),
                floatValue(map, "momentum"), (int) intValue(map, "hiddenUnits"));
    }

    /** Read back as {@code (float) value}, this double is exactly {@code f}. */
    static double decimal(float f) {
        double shortest = Double.parseDouble(Float.toString(f));
        // guards against double rounding (decimal -> double -> float) in pathological cases
        return (float) shortest == f ? shortest : f;
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    private static Number number(Map<String, ?> map, String name) {
        Object value = map.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        if (value instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException(name + " must be a number, got " + value);
    }

    private static long whole(Map<String, ?> map, String name) {
        Number n = number(map, name);
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || Math.abs(d) > 0x1p53) {
                throw new IllegalArgumentException(name + " must be a whole number, got " + n);
            }
            return (long) d;
        }
        return n.longValue();
    }

    private static long intValue(Map<String, ?> map, String name) {
        long value = whole(map, name);
        if (value != (int) value) {
            throw new IllegalArgumentException(name + " is out of int range, got " + value);
        }
        return value;
    }

    private static float floatValue(Map<String, ?> map, String name) {
        return number(map, name).floatValue();
    }
}
