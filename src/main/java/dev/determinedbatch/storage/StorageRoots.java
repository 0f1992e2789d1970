package dev.determinedbatch.storage;

import dev.determinedbatch.paths.AllowedRoots;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * The directories checkpoints may go to when the storage is chosen by someone other than the
 * operator (a job parameter): each root itself or a directory inside it, nothing else. A location
 * is compared by where it really leads: {@code ..} is normalised, and the symbolic links of its
 * longest existing prefix (and of each root's) are resolved, so neither a traversal nor a link
 * inside a root that points out of it gets through. The directory itself need not exist yet.
 * Relative paths are refused: the server's working directory is nobody's choice. The path rule
 * itself is {@link AllowedRoots}. Object storage ({@code s3}) is no directory: a job may choose it
 * only when it names the operator's default storage (same bucket, endpoint and prefix), and then
 * gets the operator's, credentials included.
 */
public final class StorageRoots {

    private final AllowedRoots roots;
    private final StorageSpec.S3 defaultObjects;

    /**
     * @param roots absolute directories, as the operator configured them; they need not exist yet
     * @throws IllegalArgumentException for a relative root, or none at all
     */
    public StorageRoots(Collection<Path> roots, AllowedRoots.FileTree files) {
        this(roots, files, null);
    }

    /**
     * @param defaultObjects the operator's default storage when it is S3, else null: the only
     *                       object storage a job may choose, and then with the operator's
     *                       credentials; a job can never name another bucket, prefix or endpoint
     * @throws IllegalArgumentException for a relative root, or no root and no default S3 storage
     */
    public StorageRoots(Collection<Path> roots, AllowedRoots.FileTree files, StorageSpec.S3 defaultObjects) {
        this.roots = new AllowedRoots(roots, files, "checkpoint storage");
        this.defaultObjects = defaultObjects;
        if (this.roots.isEmpty() && defaultObjects == null) {
            throw new IllegalArgumentException("no checkpoint storage root is allowed");
        }
    }

    /** The roots on this machine's file system. */
    public static StorageRoots of(Collection<Path> roots) {
        return new StorageRoots(roots, AllowedRoots.FileTree.LOCAL);
    }

    /** The roots on this machine's file system, and the operator's default S3 storage (or null). */
    public static StorageRoots of(Collection<Path> roots, StorageSpec.S3 defaultObjects) {
        return new StorageRoots(roots, AllowedRoots.FileTree.LOCAL, defaultObjects);
    }

    /** The roots as configured (absolute, normalised, each once). */
    public List<Path> roots() {
        return roots.roots();
    }

    /**
     * Parses a location as {@link StorageSpec#parse} does, except that relative paths are refused,
     * and checks that its checkpoint root is one of the roots or inside one. Reads the file system,
     * writes nothing.
     *
     * @throws StorageLocationRefusedException for a relative path or a location outside the roots
     * @throws IllegalArgumentException        for a location {@link StorageSpec#parse} refuses
     */
    public StorageSpec check(Object configured) {
        StorageSpec spec;
        try {
            spec = StorageSpecParser.parse(configured, true);
        } catch (StorageSpecParser.RelativePathException e) {
            throw refused(e.getMessage() + "; it must be an absolute path inside the allowed checkpoint storage"
                    + " roots ");
        }
        if (spec instanceof StorageSpec.S3 objects) {
            if (defaultObjects != null && defaultObjects.sameObjects(objects)) {
                return defaultObjects;
            }
            throw refused(objects.describe() + " is not the operator's default checkpoint storage; S3 storage may be"
                    + " chosen by a job only when it is det.checkpoint.storage itself, otherwise a directory inside"
                    + " the allowed checkpoint storage roots ");
        }
        Path target = spec.checkpointRoot();
        Path real;
        try {
            real = roots.resolve(target);
        } catch (IOException e) {
            // a link whose target is missing, or a directory that cannot be read: nothing to vouch for
            throw refused(target + " cannot be resolved (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); it must lead inside the allowed checkpoint storage roots ");
        }
        if (roots.contains(real)) {
            return spec;
        }
        String through = real.equals(target) ? "" : " (through a symbolic link: " + real + ")";
        throw refused(target + through + " is outside the allowed checkpoint storage roots ");
    }

    private StorageLocationRefusedException refused(String messageBeforeRoots) {
        return new StorageLocationRefusedException(messageBeforeRoots + roots.roots(), roots.roots());
    }
}
