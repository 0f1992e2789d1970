package dev.determinedbatch.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The directories checkpoints may go to when the storage is chosen by someone other than the
 * operator (a job parameter): each root itself or a directory inside it, nothing else. A location
 * is compared by where it really leads: {@code ..} is normalised, and the symbolic links of its
 * longest existing prefix (and of each root's) are resolved, so neither a traversal nor a link
 * inside a root that points out of it gets through. The directory itself need not exist yet.
 * Relative paths are refused: the server's working directory is nobody's choice.
 */
public final class StorageRoots {

    /** What the rule asks of the file system; {@link #LOCAL} asks this machine's. */
    public interface FileTree {

        FileTree LOCAL = new FileTree() {
            @Override
            public boolean exists(Path path) {
                return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
            }

            @Override
            public Path realPath(Path path) throws IOException {
                return path.toRealPath();
            }
        };

        /** Whether {@code path} exists; a symbolic link exists even when its target does not. */
        boolean exists(Path path);

        /** {@code path}, which exists, with every symbolic link on it resolved. */
        Path realPath(Path path) throws IOException;
    }

    private final List<Path> roots;
    private final FileTree files;

    /**
     * @param roots absolute directories, as the operator configured them; they need not exist yet
     * @throws IllegalArgumentException for a relative root, or none at all
     */
    public StorageRoots(Collection<Path> roots, FileTree files) {
        LinkedHashSet<Path> absolute = new LinkedHashSet<>();
        for (Path root : roots) {
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("checkpoint storage root '" + root + "' is relative; it must be"
                        + " an absolute path");
            }
            absolute.add(root.normalize());
        }
        if (absolute.isEmpty()) {
            throw new IllegalArgumentException("no checkpoint storage root is allowed");
        }
        this.roots = List.copyOf(absolute);
        this.files = files;
    }

    /** The roots on this machine's file system. */
    public static StorageRoots of(Collection<Path> roots) {
        return new StorageRoots(roots, FileTree.LOCAL);
    }

    /** The roots as configured (absolute, normalised, each once). */
    public List<Path> roots() {
        return roots;
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
            throw new StorageLocationRefusedException(e.getMessage() + "; it must be an absolute path inside the"
                    + " allowed checkpoint storage roots " + roots, roots);
        }
        Path target = spec.checkpointRoot();
        Path real;
        try {
            real = resolve(target);
        } catch (IOException e) {
            // a link whose target is missing, or a directory that cannot be read: nothing to vouch for
            throw new StorageLocationRefusedException(target + " cannot be resolved (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); it must lead inside the allowed checkpoint storage roots " + roots,
                    roots);
        }
        for (Path root : roots) {
            if (resolveRoot(root).filter(real::startsWith).isPresent()) {
                return spec;
            }
        }
        String through = real.equals(target) ? "" : " (through a symbolic link: " + real + ")";
        throw new StorageLocationRefusedException(target + through + " is outside the allowed checkpoint"
                + " storage roots " + roots, roots);
    }

    /**
     * Where {@code path} (absolute, normalised) leads: its longest existing prefix with the links
     * resolved, then the rest, which holds no link since it does not exist.
     */
    private Path resolve(Path path) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        Path existing = path;
        while (existing.getParent() != null && !files.exists(existing)) {
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        Path real = files.realPath(existing);
        for (Path name : missing) {
            real = real.resolve(name);
        }
        return real;
    }

    /** Where a root leads; none when it cannot be resolved (a dangling link): such a root holds nothing. */
    private Optional<Path> resolveRoot(Path root) {
        try {
            return Optional.of(resolve(root));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
