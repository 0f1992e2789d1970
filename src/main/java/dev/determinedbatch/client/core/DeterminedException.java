package dev.determinedbatch.client.core;

/** A call to Determined (master or local trial record) failed; the message says which and why. */
public class DeterminedException extends RuntimeException {

    public DeterminedException(String message) {
        super(message);
    }

    public DeterminedException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether the same call may succeed later unchanged: the other side was unreachable or
     * overloaded, not refusing. Reports are kept and retried on these; other failures are final.
     */
    public boolean retryable() {
        return false;
    }
}
