package dev.determinedbatch.storage;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.Collection;

/**
 * One file of a checkpoint, given as what writes its bytes: the storage opens the file and hands
 * the channel, so that it can checksum the bytes as they pass, write several files at once and
 * sync each once, without the caller making a copy of the file first.
 */
@FunctionalInterface
public interface CheckpointFile {

    /** Writes the file's bytes, all of them, to {@code out}; may be called on any thread. */
    void writeTo(WritableByteChannel out) throws IOException;

    /**
     * Checks the names of a checkpoint's files: relative paths with {@code '/'} between
     * directories, as in {@code resources}, that stay inside the checkpoint, and not
     * {@code metadata.json}, which the storage writes.
     *
     * @throws IllegalArgumentException naming the first bad name and what is wrong with it
     */
    static void requireNames(Collection<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a checkpoint needs at least one file");
        }
        for (String name : names) {
            String problem = problem(name);
            if (problem != null) {
                throw new IllegalArgumentException("checkpoint file name '" + name + "' " + problem);
            }
        }
    }

    private static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "is empty";
        }
        if (name.equals(CheckpointMetadata.FILE_NAME)) {
            return "is the checkpoint's metadata, which the storage writes: pass the values as metadata";
        }
        if (name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            return "holds a backslash or NUL; use '/' between directories";
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "is not a relative path inside the checkpoint (no leading, doubled or trailing '/', no . or ..)";
            }
        }
        return null;
    }
}
