package dev.determinedbatch.storage;

import java.io.IOException;

/**
 * A checkpoint whose files do not match its {@code checksums.json}, or whose
 * {@code checksums.json} cannot be read: its bytes are not what was stored, so restoring it
 * would resume from damaged state.
 */
public class CorruptCheckpointException extends IOException {

    private final String uuid;
    private final String file;
    private final String problem;

    /**
     * @param file    the damaged file, relative to the checkpoint (as in {@code resources})
     * @param problem what is wrong with it, e.g. "size 5, expected 10"
     */
    public CorruptCheckpointException(String uuid, String file, String problem) {
        super("checkpoint " + uuid + " is corrupt: " + file + ": " + problem);
        this.uuid = uuid;
        this.file = file;
        this.problem = problem;
    }

    public String uuid() {
        return uuid;
    }

    public String file() {
        return file;
    }

    public String problem() {
        return problem;
    }
}
