package dev.determinedbatch.storage;

import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.json.PythonJson;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A checkpoint's checksum manifest: size and CRC32C of every file the caller wrote, e.g.
 * <pre>{"algorithm": "crc32c", "files": {"sub/w.bin": {"size": 10, "crc32c": "e3ddf06b"}}}</pre>
 * It is kept beside the checkpoint, never in it (for directory storage
 * {@code <base>/.checksums/<uuid>.json}), so that the checkpoint's files and its
 * {@code resources} stay exactly what Determined's client makes for the same files.
 * {@code metadata.json} is not in it: the manifest covers the caller's bytes, the metadata is
 * Determined's to read and is checked only for being JSON with {@code steps_completed}.
 *
 * @param files relative path ({@code '/'}-separated, as in {@code resources}) to its checksum
 */
public record CheckpointManifest(Map<String, FileChecksum> files) {

    /** The only algorithm written and read. */
    public static final String ALGORITHM = "crc32c";

    private static final Pattern HEX8 = Pattern.compile("[0-9a-fA-F]{8}");

    public CheckpointManifest {
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }

    /** The manifest's bytes: indented like {@code metadata.json}, paths sorted. */
    public byte[] render() {
        Map<String, Object> entries = new LinkedHashMap<>();
        files.forEach((path, checksum) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("size", checksum.size());
            entry.put(ALGORITHM, checksum.crc32cHex());
            entries.put(path, entry);
        });
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("algorithm", ALGORITHM);
        manifest.put("files", entries);
        return PythonJson.indented(manifest).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads a manifest. A manifest that cannot be read makes the checkpoint unverifiable, and
     * what cannot be verified is not restored.
     *
     * @param uuid names the checkpoint in errors
     * @param name names the manifest in errors, e.g. {@code .checksums/<uuid>.json}
     * @throws CorruptCheckpointException naming the manifest and what is malformed
     */
    public static CheckpointManifest parse(String uuid, String name, byte[] json) throws CorruptCheckpointException {
        Map<String, Object> manifest;
        try {
            manifest = JsonText.readJsonObject(new String(json, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw malformed(uuid, name, "not a JSON object: " + e.getMessage());
        }
        if (!ALGORITHM.equals(manifest.get("algorithm"))) {
            throw malformed(uuid, name, "algorithm is " + PythonJson.wire(manifest.get("algorithm"))
                    + ", expected \"" + ALGORITHM + "\"");
        }
        if (!(manifest.get("files") instanceof Map<?, ?> entries)) {
            throw malformed(uuid, name, "\"files\" is not a JSON object");
        }
        Map<String, FileChecksum> files = new TreeMap<>();
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
            files.put((String) entry.getKey(), checksum(uuid, name, (String) entry.getKey(), entry.getValue()));
        }
        return new CheckpointManifest(files);
    }

    private static FileChecksum checksum(String uuid, String name, String path, Object entry) throws CorruptCheckpointException {
        if (!(entry instanceof Map<?, ?> fields)) {
            throw malformed(uuid, name, "the entry of '" + path + "' is not a JSON object");
        }
        Object size = fields.get("size");
        Object crc = fields.get(ALGORITHM);
        if (!(size instanceof Long bytes) || bytes < 0) {
            throw malformed(uuid, name, "the size of '" + path + "' is " + PythonJson.wire(size)
                    + ", expected a non-negative integer");
        }
        if (!(crc instanceof String hex) || !HEX8.matcher(hex).matches()) {
            throw malformed(uuid, name, "the " + ALGORITHM + " of '" + path + "' is " + PythonJson.wire(crc)
                    + ", expected 8 hex digits");
        }
        return new FileChecksum(bytes, Integer.parseUnsignedInt(hex, 16));
    }

    private static CorruptCheckpointException malformed(String uuid, String name, String problem) {
        return new CorruptCheckpointException(uuid, name, "malformed: " + problem);
    }
}
