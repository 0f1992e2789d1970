package dev.determinedbatch.client.master;

import dev.determinedbatch.client.core.DeterminedException;

/** The master answered a call with an error status; the message carries the master's own. */
public class MasterException extends DeterminedException {

    private final int status;
    private final String masterMessage;

    public MasterException(String call, int status, String masterMessage) {
        super(call + " failed: HTTP " + status + (masterMessage.isEmpty() ? "" : ": " + masterMessage));
        this.status = status;
        this.masterMessage = masterMessage;
    }

    public int status() {
        return status;
    }

    public String masterMessage() {
        return masterMessage;
    }

    /**
     * 401 (a token the renewal could not replace, e.g. a login answered 503), 408, 429 and 5xx
     * can pass; every other status is the master's answer to this request and stays so.
     */
    @Override
    public boolean retryable() {
        return status == 401 || status == 408 || status == 429 || status >= 500;
    }
}
