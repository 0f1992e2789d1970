package dev.determinedbatch.batch.support;

import dev.determinedbatch.storage.CheckpointUuid;

/**
 * What the job repository keeps of a training checkpoint: its Determined uuid and the steps it
 * holds, as the String {@code "<uuid>@<steps>"}. The state itself lives in Determined's
 * checkpoint storage; a String is all JBeret stores, so nothing of ours is ever read back with
 * Java deserialization.
 */
public record CheckpointReference(String uuid, long stepsCompleted) {

    public CheckpointReference {
        CheckpointUuid.require(uuid);
        if (stepsCompleted < 0) {
            throw new IllegalArgumentException("steps completed must not be negative, got " + stepsCompleted);
        }
    }

    /** Reads what {@link #toString()} wrote; null for no reference (a first run). */
    public static CheckpointReference parse(Object stored) {
        if (stored == null) {
            return null;
        }
        String text = stored.toString();
        int at = text.lastIndexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("job repository checkpoint '" + text + "' is not of the form <uuid>@<steps>");
        }
        try {
            return new CheckpointReference(text.substring(0, at), Long.parseLong(text.substring(at + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("job repository checkpoint '" + text + "' has no step count after '@'");
        }
    }

    @Override
    public String toString() {
        return uuid + "@" + stepsCompleted;
    }
}
