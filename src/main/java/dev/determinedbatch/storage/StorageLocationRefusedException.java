package dev.determinedbatch.storage;

import java.nio.file.Path;
import java.util.List;

/** A checkpoint storage location that {@link StorageRoots} does not allow; the message names it and the roots. */
public final class StorageLocationRefusedException extends IllegalArgumentException {

    private final transient List<Path> roots;

    StorageLocationRefusedException(String message, List<Path> roots) {
        super(message);
        this.roots = List.copyOf(roots);
    }

    /** The allowed roots, as configured. */
    public List<Path> roots() {
        return roots;
    }
}
