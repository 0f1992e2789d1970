package dev.determinedbatch.storage;

import dev.determinedbatch.json.JsonText;

import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parsing behind {@link StorageSpec#parse}, kept out of the interface's public face. */
final class StorageSpecParser {

    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):");
    private static final Set<String> DIRECTORY_KEYS = Set.of("type", "container_path");
    private static final Set<String> S3_KEYS = Set.of("type", "bucket", "prefix", "endpoint_url", "access_key",
            "secret_key");
    private static final Set<String> SHARED_FS_KEYS = Set.of("type", "host_path", "storage_path",
            "container_path", "propagation", "checkpoint_path", "tensorboard_path");

    private StorageSpecParser() {
    }

    /**
     * {@link StorageSpec#parse}; with {@code absoluteOnly}, a relative path (plain, or a
     * mapping's {@code container_path} or {@code host_path}) is a {@link RelativePathException}
     * instead of a path against the working directory.
     */
    static StorageSpec parse(Object configured, boolean absoluteOnly) {
        if (configured instanceof Path path) {
            return StorageSpec.directory(absolute(path, path.toString(), "checkpoint storage path", absoluteOnly));
        }
        if (configured instanceof Map<?, ?> map) {
            return fromMap(map, absoluteOnly);
        }
        if (configured instanceof CharSequence || configured instanceof URI) {
            String text = configured.toString().strip();
            if (text.startsWith("{")) {
                return fromMap(JsonText.readJsonObject(text), absoluteOnly);
            }
            return fromLocation(text, absoluteOnly);
        }
        throw new IllegalArgumentException("checkpoint storage must be a path, a file: URL or a"
                + " mapping with a type, got " + (configured == null ? "nothing" : configured.getClass().getName()));
    }

    /** A relative path where only an absolute one is accepted; the message names what and the path. */
    static final class RelativePathException extends IllegalArgumentException {

        RelativePathException(String what, String text) {
            super(what + " '" + text + "' is relative");
        }
    }

    private static StorageSpec fromLocation(String text, boolean absoluteOnly) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("checkpoint storage path is empty");
        }
        // two letters at least, so that a Windows drive (C:\...) stays a path
        Matcher scheme = SCHEME.matcher(text);
        if (!scheme.find()) {
            return StorageSpec.directory(path(text, "checkpoint storage path", absoluteOnly));
        }
        String name = scheme.group(1).toLowerCase(Locale.ROOT);
        if (name.equals("file")) {
            try {
                return StorageSpec.directory(Path.of(URI.create(text)));
            } catch (IllegalArgumentException | FileSystemNotFoundException e) {
                throw new IllegalArgumentException("checkpoint storage URL '" + text
                        + "' is not a local file URL (expected file:///absolute/path): " + e.getMessage(), e);
            }
        }
        if (name.equals("s3")) {
            throw new IllegalArgumentException("checkpoint storage URL '" + text + "': give s3 storage as a mapping,"
                    + " e.g. {\"type\": \"s3\", \"bucket\": \"b\", \"prefix\": \"p\"}");
        }
        String type = switch (name) {
            case "gs" -> "gcs";
            default -> null;
        };
        if (type != null) {
            throw notYet(type, text);
        }
        throw new IllegalArgumentException("checkpoint storage URL '" + text + "' has the unknown"
                + " scheme '" + name + "'; give a path, a file:/// URL or a mapping of type "
                + String.join(" or ", StorageSpec.SUPPORTED_TYPES));
    }

    private static StorageSpec fromMap(Map<?, ?> given, boolean absoluteOnly) {
        Map<String, Object> map = new LinkedHashMap<>();
        given.forEach((key, value) -> {
            if (!(key instanceof String name)) {
                throw new IllegalArgumentException("checkpoint storage keys must be strings, got " + key);
            }
            map.put(name, value);
        });
        Object type = map.get("type");
        if (!(type instanceof String typeName)) {
            throw new IllegalArgumentException("checkpoint storage with the keys " + map.keySet() + " has no type; supported types: "
                    + String.join(", ", StorageSpec.SUPPORTED_TYPES));
        }
        switch (typeName) {
            case "directory" -> {
                Path path = path(required(map, "container_path", typeName), "directory container_path",
                        absoluteOnly);
                return new StorageSpec.Directory(path,
                        others(map, DIRECTORY_KEYS, Set.of("type", "container_path"), typeName));
            }
            case "shared_fs" -> {
                Path hostPath = path(required(map, "host_path", typeName), "shared_fs host_path",
                        absoluteOnly);
                Object storagePath = map.get("storage_path");
                if (storagePath != null && !(storagePath instanceof String)) {
                    throw new IllegalArgumentException("shared_fs storage_path must be a string, got " + storagePath);
                }
                return new StorageSpec.SharedFs(hostPath, (String) storagePath,
                        others(map, SHARED_FS_KEYS, Set.of("type", "host_path", "storage_path"), typeName));
            }
            case "s3" -> {
                String bucket = required(map, "bucket", typeName);
                return new StorageSpec.S3(bucket, optional(map, "prefix"), optional(map, "endpoint_url"),
                        optional(map, "access_key"), optional(map, "secret_key"),
                        others(map, S3_KEYS, S3_KEYS, typeName));
            }
            default -> {
                if (StorageSpec.LATER_TYPES.contains(typeName)) {
                    throw notYet(typeName, "keys " + map.keySet());
                }
                throw new IllegalArgumentException("unknown checkpoint storage type '" + typeName
                        + "'; supported types: " + String.join(", ", StorageSpec.SUPPORTED_TYPES));
            }
        }
    }

    private static IllegalArgumentException notYet(String type, String given) {
        return new IllegalArgumentException(type + " checkpoint storage is not supported yet (" + given
                + "); supported types: " + String.join(", ", StorageSpec.SUPPORTED_TYPES));
    }

    /** A string or nothing; the message names the key, never the value (it may be a secret). */
    private static String optional(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException("s3 checkpoint storage " + key + " must be a string");
        }
        return (String) value;
    }

    private static String required(Map<String, Object> map, String key, String type) {
        Object value = map.get(key);
        if (!(value instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException(type + " checkpoint storage needs " + key
                    + " as a non-empty string, got " + value);
        }
        return text;
    }

    /**
     * The keys besides those the spec record holds. A key Determined does not know for the type
     * is refused: most likely a typo, which would otherwise be dropped without a word.
     */
    private static Map<String, Object> others(Map<String, Object> map, Set<String> typeKeys,
                                              Set<String> held, String type) {
        Map<String, Object> others = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String key = e.getKey();
            if (!typeKeys.contains(key) && !StorageSpec.RETENTION_KEYS.contains(key)) {
                Set<String> known = new TreeSet<>(typeKeys);
                known.addAll(StorageSpec.RETENTION_KEYS);
                throw new IllegalArgumentException(type + " checkpoint storage has the unknown key '"
                        + key + "'; known keys: " + known);
            }
            if (!held.contains(key)) {
                others.put(key, e.getValue());
            }
        }
        return others;
    }

    private static Path path(String text, String what, boolean absoluteOnly) {
        try {
            return absolute(Path.of(text), text, what, absoluteOnly);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a path: " + e.getMessage(), e);
        }
    }

    private static Path absolute(Path path, String text, String what, boolean absoluteOnly) {
        if (absoluteOnly && !path.isAbsolute()) {
            throw new RelativePathException(what, text);
        }
        return path;
    }
}
