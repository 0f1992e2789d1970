package dev.determinedbatch.client.master;

import dev.determinedbatch.client.core.DeterminedException;

/** No answer from the master: refused, reset, timed out or unresolvable. */
public class MasterUnreachableException extends DeterminedException {

    public MasterUnreachableException(String call, MasterUrl url, Throwable cause) {
        super(call + " failed: cannot reach the Determined master at " + url + ": " + rootMessage(cause), cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : " (" + root.getMessage() + ")");
    }
}
