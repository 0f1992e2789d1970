package dev.determinedbatch.paths;

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
 * Directories a path chosen by someone other than the operator may lead into, and the test of
 * where a path really leads: {@code ..} is normalised, and the symbolic links of its longest
 * existing prefix (and of each root's) are resolved, so neither a traversal nor a link inside a
 * root that points out of it gets through; containment is by whole name components, so
 * {@code /data/ckpt2} is not inside {@code /data/ckpt}. The rules of what may be chosen (checkpoint
 * storage, datasets) build on this; it knows nothing of them.
 */
public final class AllowedRoots {

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
     * @param roots absolute directories, as the operator configured them; they need not exist yet;
     *              none allows nothing
     * @param what  what the roots are for, for the message about a relative root, e.g.
     *              {@code "checkpoint storage"}
     * @throws IllegalArgumentException for a relative root
     */
    public AllowedRoots(Collection<Path> roots, FileTree files, String what) {
        LinkedHashSet<Path> absolute = new LinkedHashSet<>();
        for (Path root : roots) {
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException(what + " root '" + root + "' is relative; it must be an absolute"
                        + " path");
            }
            absolute.add(root.normalize());
        }
        this.roots = List.copyOf(absolute);
        this.files = files;
    }

    /** The roots as configured (absolute, normalised, each once). */
    public List<Path> roots() {
        return roots;
    }

    public boolean isEmpty() {
        return roots.isEmpty();
    }

    /**
     * Where {@code path} (absolute) leads: normalised, its longest existing prefix with the links
     * resolved, then the rest, which holds no link since it does not exist.
     *
     * @throws IOException when the existing prefix cannot be resolved: a dangling link, a directory
     *                     that cannot be read
     */
    public Path resolve(Path path) throws IOException {
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("not an absolute path: " + path);
        }
        Deque<Path> missing = new ArrayDeque<>();
        Path existing = path.normalize();
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

    /**
     * Whether {@code real}, a path as {@link #resolve} returns it, is a root or inside one, where
     * the roots, too, lead.
     */
    public boolean contains(Path real) {
        for (Path root : roots) {
            if (resolveRoot(root).filter(real::startsWith).isPresent()) {
                return true;
            }
        }
        return false;
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
