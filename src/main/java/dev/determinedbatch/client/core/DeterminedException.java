package dev.determinedbatch.client.core;

/** A call to Determined (master or local trial record) failed; the message says which and why. */
public class DeterminedException extends RuntimeException {

    public DeterminedException(String message) {
        super(message);
    }

    public DeterminedException(String message, Throwable cause) {
        super(message, cause);
    }
}
