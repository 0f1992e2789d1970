package dev.determinedbatch.storage;

import java.util.regex.Pattern;

/**
 * Checkpoint uuids as Determined's client makes them: {@code str(uuid.uuid4())}, lower case with
 * hyphens. Storage checks every uuid it is given against this form before it becomes part of a
 * path, so that {@code ../x} or {@code a/b} can never reach outside the storage.
 */
public final class CheckpointUuid {

    private static final Pattern CANONICAL =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** Length of a canonical uuid: 32 hex digits and 4 hyphens. */
    public static final int LENGTH = 36;

    private CheckpointUuid() {
    }

    public static boolean isValid(String candidate) {
        return candidate != null && CANONICAL.matcher(candidate).matches();
    }

    /**
     * @return {@code candidate}, when it is a canonical lower-case uuid
     * @throws IllegalArgumentException naming the candidate otherwise
     */
    public static String require(String candidate) {
        if (!isValid(candidate)) {
            throw new IllegalArgumentException("'" + candidate + "' is not a checkpoint uuid"
                    + " (expected lower-case hex in the form 8-4-4-4-12, e.g. 00944a54-7c2e-4402-8e77-88a7e8988b22)");
        }
        return candidate;
    }
}
