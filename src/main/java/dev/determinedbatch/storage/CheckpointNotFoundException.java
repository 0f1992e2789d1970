package dev.determinedbatch.storage;

import java.io.IOException;

/** No complete checkpoint has the uuid asked for. */
public class CheckpointNotFoundException extends IOException {

    private final String uuid;

    public CheckpointNotFoundException(String uuid, String where) {
        super("no complete checkpoint " + uuid + " in " + where);
        this.uuid = uuid;
    }

    /** @param reason why what is there is not a complete checkpoint */
    public CheckpointNotFoundException(String uuid, String where, String reason) {
        super("no complete checkpoint " + uuid + " in " + where + ": " + reason);
        this.uuid = uuid;
    }

    public String uuid() {
        return uuid;
    }
}
