package dev.determinedbatch.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code normalize_prefix} of Determined's S3 storage manager ({@code common/storage/s3.py}):
 * a prefix with a {@code ..} component is refused, any other is {@code os.path.normpath(prefix)}
 * without leading slashes; none is "". Shared by the spec (which compares locations) and the S3
 * storage (which makes keys).
 */
public final class S3Prefix {

    /** Determined's banned patterns, matched as Python's {@code re.match} does: from the start. */
    private static final List<Pattern> BANNED = List.of(
            Pattern.compile("^.*\\/\\.\\.\\/.*$", Pattern.UNIX_LINES),
            Pattern.compile("^\\.\\.\\/.*", Pattern.UNIX_LINES),
            Pattern.compile(".*\\/\\.\\.$", Pattern.UNIX_LINES),
            Pattern.compile("^\\.\\.$", Pattern.UNIX_LINES));

    private S3Prefix() {
    }

    /**
     * @return the prefix as Determined normalises it; "" for none
     * @throws IllegalArgumentException when it climbs out with {@code ..}, as Determined refuses it
     */
    public static String normalize(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        for (Pattern banned : BANNED) {
            if (banned.matcher(prefix).lookingAt()) {
                throw new IllegalArgumentException("S3 prefix '" + prefix + "' must not contain a '..' component");
            }
        }
        String normalised = normpath(prefix);
        int i = 0;
        while (i < normalised.length() && normalised.charAt(i) == '/') {
            i++;
        }
        return normalised.substring(i);
    }

    /** {@code posixpath.normpath}. */
    static String normpath(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        int initialSlashes = path.startsWith("/") ? 1 : 0;
        if (path.startsWith("//") && !path.startsWith("///")) {
            initialSlashes = 2;
        }
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (!part.equals("..") || (initialSlashes == 0 && parts.isEmpty())
                    || (!parts.isEmpty() && parts.get(parts.size() - 1).equals(".."))) {
                parts.add(part);
            } else if (!parts.isEmpty()) {
                parts.remove(parts.size() - 1);
            }
        }
        String joined = "/".repeat(initialSlashes) + String.join("/", parts);
        return joined.isEmpty() ? "." : joined;
    }
}
