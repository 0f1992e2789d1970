package dev.determinedbatch.storage;

import java.io.IOException;

/**
 * Told when a {@link CheckpointStorage#store} reaches each phase on the way from a staging
 * directory to a checkpoint under its uuid, on the storing thread. It exists so that a test can
 * crash a store at a known point (see the kill harness); storage works the same with
 * {@link #NONE}, its default, which observes nothing.
 */
@FunctionalInterface
public interface StoreObserver {

    /** Observes nothing. */
    StoreObserver NONE = (uuid, phase) -> { };

    /** Where a store is, in the order a store passes through them. */
    enum Phase {
        /**
         * The caller's files are in the staging directory (written file by file, each synced, or
         * by the caller's writer, not yet synced); {@code metadata.json}, the directories' syncs
         * and the manifest are not.
         */
        FILES_STAGED,
        /** All files are in staging and durable, the checksum manifest too; nothing is under the uuid yet. */
        MANIFEST_WRITTEN,
        /** The checkpoint is under its uuid and durable; the caller, who reports it, does not have it yet. */
        PUBLISHED
    }

    /**
     * The store of {@code uuid} has reached {@code phase}.
     *
     * @throws IOException fails the store as a write failure at that point would
     */
    void reached(String uuid, Phase phase) throws IOException;
}
