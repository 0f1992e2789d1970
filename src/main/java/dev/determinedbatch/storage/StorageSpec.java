package dev.determinedbatch.storage;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where checkpoints go, as a user configures it: Determined's {@code checkpoint_storage}. Parsing
 * only checks; nothing is created on disk until a storage is opened on the spec.
 *
 * <table>
 * <caption>accepted forms</caption>
 * <tr><th>given</th><th>{@link #config()}</th><th>{@link #checkpointRoot()}</th></tr>
 * <tr><td>{@code /path}, {@code file:///path}</td>
 *     <td>{@code {"type": "directory", "container_path": "/path"}}</td><td>{@code /path}</td></tr>
 * <tr><td>{@code {"type": "directory", "container_path": P}}</td><td>as given</td><td>P</td></tr>
 * <tr><td>{@code {"type": "shared_fs", "host_path": H, "storage_path": S}}</td><td>as given</td>
 *     <td>{@code H/S} ({@code S} optional, must stay inside {@code H})</td></tr>
 * <tr><td>{@code {"type": "s3", "bucket": B, "prefix": P, "endpoint_url": E, "access_key": A,
 *     "secret_key": S}}</td><td>without the keys</td><td>none: objects, not a directory</td></tr>
 * </table>
 * A map may also be given as JSON text. Relative paths are made absolute against the working
 * directory, since the master and other processes cannot know ours.
 */
public sealed interface StorageSpec permits StorageSpec.Directory, StorageSpec.SharedFs, StorageSpec.S3 {

    /** The types this project can store into. */
    List<String> SUPPORTED_TYPES = List.of("directory", "shared_fs", "s3");

    /** Determined's other storage types, named so the error can say "not yet". */
    Set<String> LATER_TYPES = Set.of("gcs", "azure");

    /** Keys of {@code checkpoint_storage} that apply to every type (retention, read by the master). */
    Set<String> RETENTION_KEYS = Set.of("save_experiment_best", "save_trial_best", "save_trial_latest");

    /** The mapping written under {@code checkpoint_storage} and sent with {@code runs/start}. */
    Map<String, Object> config();

    /**
     * The absolute directory that holds one sub-directory per checkpoint uuid.
     *
     * @throws UnsupportedOperationException for {@link S3}, which has none
     */
    Path checkpointRoot();

    /** A directory storage at {@code path}. */
    static Directory directory(Path path) {
        return new Directory(path, Map.of());
    }

    /**
     * Reads what a user configured: a path (String, {@link Path}, {@code file:} URL), a
     * {@link Map}, or a JSON object as text.
     *
     * @throws IllegalArgumentException naming what is wrong: an unknown or unsupported type, a
     *                                  missing key, a {@code storage_path} outside {@code host_path}
     */
    static StorageSpec parse(Object configured) {
        return StorageSpecParser.parse(configured, false);
    }

    /**
     * Determined's {@code directory} storage: checkpoints in {@code containerPath/<uuid>}.
     *
     * @param otherKeys retention keys given with it, kept for the config
     */
    record Directory(Path containerPath, Map<String, Object> otherKeys) implements StorageSpec {

        public Directory {
            containerPath = containerPath.toAbsolutePath().normalize();
            otherKeys = Collections.unmodifiableMap(new LinkedHashMap<>(otherKeys));
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("type", "directory");
            config.put("container_path", containerPath.toString());
            config.putAll(otherKeys);
            return config;
        }

        @Override
        public Path checkpointRoot() {
            return containerPath;
        }
    }

    /**
     * Determined's {@code shared_fs} storage: checkpoints in {@code hostPath[/storagePath]/<uuid>},
     * as its client resolves them when it runs outside a task container.
     *
     * @param storagePath relative to {@code hostPath}, or absolute inside it; null for none
     * @param otherKeys   further keys given with it ({@code container_path}, retention...), kept
     *                    for the config
     */
    record SharedFs(Path hostPath, String storagePath, Map<String, Object> otherKeys) implements StorageSpec {

        public SharedFs {
            hostPath = hostPath.toAbsolutePath().normalize();
            otherKeys = Collections.unmodifiableMap(new LinkedHashMap<>(otherKeys));
            if (storagePath != null) {
                Path root = resolve(hostPath, storagePath);
                if (!root.startsWith(hostPath)) {
                    throw new IllegalArgumentException("shared_fs storage_path '" + storagePath
                            + "' leads to " + root + ", outside host_path " + hostPath
                            + "; it must name a directory inside host_path");
                }
            }
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("type", "shared_fs");
            config.put("host_path", hostPath.toString());
            if (storagePath != null) {
                config.put("storage_path", storagePath);
            }
            config.putAll(otherKeys);
            return config;
        }

        @Override
        public Path checkpointRoot() {
            return storagePath == null ? hostPath : resolve(hostPath, storagePath);
        }

        private static Path resolve(Path hostPath, String storagePath) {
            try {
                // lexical: a symbolic link inside host_path is the administrator's choice
                return hostPath.resolve(storagePath).normalize();
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("shared_fs storage_path '" + storagePath
                        + "' is not a path: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Determined's {@code s3} storage: objects {@code <prefix>/<uuid>/<path>} in a bucket (opened by
     * {@code storage.s3}). The keys are never shown: not in {@link #config()}, which goes to the
     * master, nor in {@link #toString()}.
     *
     * @param prefix      null for none
     * @param endpointUrl null for AWS
     * @param accessKey   null (with {@code secretKey}) for the AWS default credentials chain
     * @param otherKeys   retention keys given with it, kept for the config
     */
    record S3(String bucket, String prefix, String endpointUrl, String accessKey, String secretKey,
              Map<String, Object> otherKeys) implements StorageSpec {

        public S3 {
            if (bucket == null || bucket.isBlank()) {
                throw new IllegalArgumentException("s3 checkpoint storage needs bucket as a non-empty string");
            }
            if ((accessKey == null) != (secretKey == null)) {
                throw new IllegalArgumentException("s3 checkpoint storage of bucket '" + bucket
                        + "': give both access_key and secret_key, or neither (then the AWS default credentials chain is used)");
            }
            otherKeys = Collections.unmodifiableMap(new LinkedHashMap<>(otherKeys));
            S3Prefix.normalize(prefix);
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("type", "s3");
            config.put("bucket", bucket);
            if (prefix != null) {
                config.put("prefix", prefix);
            }
            if (endpointUrl != null) {
                config.put("endpoint_url", endpointUrl);
            }
            config.putAll(otherKeys);
            return config;
        }

        @Override
        public Path checkpointRoot() {
            throw new UnsupportedOperationException("s3 checkpoint storage " + describe() + " has no local directory");
        }

        /**
         * Whether both name the same objects: bucket, endpoint and prefix as Determined normalises
         * it (leading and repeated slashes, {@code .}), whatever the credentials.
         */
        public boolean sameObjects(S3 other) {
            return bucket.equals(other.bucket) && java.util.Objects.equals(endpointUrl, other.endpointUrl)
                    && normalisedPrefix().equals(other.normalisedPrefix());
        }

        private String normalisedPrefix() {
            return S3Prefix.normalize(prefix);
        }

        /** Whether the keys are given, else the AWS default credentials chain is used. */
        public boolean hasStaticCredentials() {
            return accessKey != null;
        }

        /** {@code s3://bucket/prefix} (the prefix as Determined normalises it), and the endpoint when set; never the keys. */
        public String describe() {
            String normalised = normalisedPrefix();
            return "s3://" + bucket + (normalised.isEmpty() ? "" : "/" + normalised)
                    + (endpointUrl == null ? "" : " at " + endpointUrl);
        }

        @Override
        public String toString() {
            return "S3[" + describe() + ", credentials " + (hasStaticCredentials() ? "from access_key/secret_key"
                    : "from the default chain") + "]";
        }
    }
}
