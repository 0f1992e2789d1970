package dev.determinedbatch.recovery;

/**
 * A restart refused because the execution still runs, or because its job instance is being run or
 * restarted by a live server; the message names the execution and the server. The HTTP API
 * answers it with 409.
 */
public class RestartRefusedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public RestartRefusedException(String message) {
        super(message);
    }
}
