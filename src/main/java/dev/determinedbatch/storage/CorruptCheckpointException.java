package dev.determinedbatch.storage;

import java.io.IOException;

/**
 * A checkpoint whose files do not match its checksum manifest, or whose manifest is malformed,
 * or missing where verification is required: its bytes are not (known to be) what was stored,
 * so restoring it could resume from damaged state.
 */
public class CorruptCheckpointException extends IOException {

    private final String uuid;
    private final String file;
    private final String problem;

    /**
     * @param file    the damaged file, relative to the checkpoint (as in {@code resources}); for
     *                the manifest, which is kept outside the checkpoint, its name relative to the
     *                storage, e.g. {@code .checksums/<uuid>.json}
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
