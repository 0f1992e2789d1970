package dev.determinedbatch.client.core;

/** The trial states a detached trial moves through, as the master names them. */
public enum TrialState {
    RUNNING,
    PAUSED,
    COMPLETED,
    CANCELED,
    ERROR;

    /** The proto3 enum name, e.g. {@code STATE_COMPLETED}. */
    public String wireName() {
        return "STATE_" + name();
    }
}
