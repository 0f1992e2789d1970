package dev.determinedbatch.storage;

/**
 * Whether a restore may read a checkpoint that has no checksum manifest. Determined's own client
 * writes none, nor did this project before checksums; a checkpoint that the caller knows this
 * project wrote with checksums (the training job, for its own checkpoints) must have one, since a
 * deleted manifest would otherwise turn off the check silently.
 */
public enum Verification {

    /** Checked against its manifest when it has one; without one read unverified (logged at FINE). */
    IF_PRESENT,

    /** Checked against its manifest; without one it is refused as corrupt. */
    REQUIRED
}
