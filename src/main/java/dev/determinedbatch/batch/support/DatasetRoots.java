package dev.determinedbatch.batch.support;

import dev.determinedbatch.paths.AllowedRoots;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * The directories a job's {@code dataset} may be read from: a file in a root or in a directory
 * inside one, nothing else (the bundled digits need no root). A path is compared by where it really
 * leads ({@link AllowedRoots}): {@code ..} is normalised and symbolic links are resolved, so
 * neither a traversal nor a link inside a root that points out of it gets through. Relative paths
 * are refused. A refusal says the same whether or not the file exists, and never where a link
 * leads: what lies outside the roots is nobody's business but the operator's.
 */
public final class DatasetRoots {

    /** A dataset the roots do not allow; the message names the path (as given, normalised) and the roots. */
    public static final class RefusedException extends IllegalArgumentException {

        private RefusedException(String message) {
            super(message);
        }
    }

    private final AllowedRoots roots;

    /**
     * @param roots absolute directories, as the operator configured them; none allows only the
     *              bundled digits
     * @throws IllegalArgumentException for a relative root
     */
    public DatasetRoots(Collection<Path> roots, AllowedRoots.FileTree files) {
        this.roots = new AllowedRoots(roots, files, "dataset");
    }

    /** The roots on this machine's file system. */
    public static DatasetRoots of(Collection<Path> roots) {
        return new DatasetRoots(roots, AllowedRoots.FileTree.LOCAL);
    }

    /** The roots as configured (absolute, normalised, each once). */
    public List<Path> roots() {
        return roots.roots();
    }

    /**
     * Checks a dataset path, reading the file system but not the file.
     *
     * @param value  the path as the job or the configuration gives it
     * @param source where it came from, for later messages, e.g. {@code job parameter 'dataset'}
     * @return the file to read: named as given (normalised), opened where it really leads; it may
     *         not exist when it would be inside a root
     * @throws RefusedException for a relative path or a path that does not lead inside a root
     */
    public DatasetFile check(String value, String source) {
        Path given;
        try {
            given = Path.of(value);
        } catch (InvalidPathException e) {
            throw new RefusedException("dataset path '" + value + "' is not a path; it must be an absolute path"
                    + " inside the allowed dataset roots " + rootsText());
        }
        if (!given.isAbsolute()) {
            throw new RefusedException("dataset path '" + value + "' is relative; it must be an absolute path"
                    + " inside the allowed dataset roots " + rootsText());
        }
        Path path = given.normalize();
        try {
            Path real = roots.resolve(path);
            if (roots.contains(real)) {
                return new DatasetFile(source, path, real);
            }
        } catch (IOException e) {
            // a dangling link, an unreadable directory: nothing to vouch for, and said like any other refusal
        }
        throw new RefusedException(path + " is not inside the allowed dataset roots " + rootsText());
    }

    private String rootsText() {
        return roots.isEmpty() ? "[] (none is configured: only the bundled digits, with 'dataset' unset)"
                : roots.roots().toString();
    }
}
