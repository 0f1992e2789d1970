package dev.determinedbatch.storage;

import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.json.PythonJson;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * A checkpoint's {@code metadata.json}: written with the bytes of Determined's client
 * ({@code json.dump(metadata, f, indent=2)}), read back with any client's bytes. Every storage
 * renders it before writing anything, so bad metadata leaves no trace.
 */
public final class CheckpointMetadata {

    /** The file in every checkpoint that holds its metadata; Determined reads this name. */
    public static final String FILE_NAME = "metadata.json";

    private CheckpointMetadata() {
    }

    /**
     * Checks metadata and renders it.
     *
     * @return the bytes of {@code metadata.json}: pure ASCII, as Python escapes the rest
     * @throws IllegalArgumentException when {@code steps_completed} is missing or not a
     *                                  non-negative integer, or a key or value has no JSON form
     */
    public static byte[] render(Map<String, Object> metadata) {
        Objects.requireNonNull(metadata, "checkpoint metadata");
        Object steps = metadata.get(StoredCheckpoint.STEPS_COMPLETED);
        if (!isStepCount(steps)) {
            throw new IllegalArgumentException("checkpoint metadata must hold "
                    + StoredCheckpoint.STEPS_COMPLETED + " as a non-negative integer, got "
                    + describe(metadata, steps));
        }
        try {
            return PythonJson.indented(metadata).getBytes(StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint metadata cannot be written as JSON: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code metadata.json}.
     *
     * @param where names the file in error messages
     * @throws IllegalArgumentException when it is no JSON object or has no integer
     *                                  {@code steps_completed}: then it describes no complete
     *                                  checkpoint
     */
    public static Map<String, Object> parse(byte[] json, String where) {
        Map<String, Object> metadata;
        try {
            metadata = JsonText.readJsonObject(new String(json, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not a JSON object: " + e.getMessage(), e);
        }
        Object steps = metadata.get(StoredCheckpoint.STEPS_COMPLETED);
        if (!isStepCount(steps)) {
            throw new IllegalArgumentException(where + " holds no non-negative integer "
                    + StoredCheckpoint.STEPS_COMPLETED + ", got " + describe(metadata, steps));
        }
        return metadata;
    }

    /** Integers only: Python's client writes an int, and 1.0 steps would be a bug upstream. */
    private static boolean isStepCount(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte) {
            return ((Number) value).longValue() >= 0;
        }
        return value instanceof BigInteger big && big.signum() >= 0;
    }

    private static String describe(Map<String, Object> metadata, Object steps) {
        if (steps == null) {
            return metadata.containsKey(StoredCheckpoint.STEPS_COMPLETED)
                    ? "null" : "no such key (keys: " + metadata.keySet() + ")";
        }
        String shown = steps instanceof CharSequence ? "\"" + steps + "\"" : String.valueOf(steps);
        return shown + " (" + steps.getClass().getSimpleName() + ")";
    }
}
