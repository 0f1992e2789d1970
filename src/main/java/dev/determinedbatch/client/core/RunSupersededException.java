package dev.determinedbatch.client.core;

/**
 * A report of a run that is no longer the trial's current one: the master takes metrics only
 * from the current run ("invalid run id"), so they can never be delivered.
 */
public class RunSupersededException extends DeterminedException {

    public RunSupersededException(String message, Throwable cause) {
        super(message, cause);
    }
}
