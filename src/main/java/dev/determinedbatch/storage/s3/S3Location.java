package dev.determinedbatch.storage.s3;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Determined's {@code s3} checkpoint storage config: {@code bucket}, {@code prefix},
 * {@code endpoint_url}, {@code access_key}, {@code secret_key}. Without the keys the SDK's default
 * chain (environment, system properties, profile, container and instance credentials) is used.
 * The keys never leave this record: not in {@link #toString}, not in {@link #config()} (which is
 * sent to the master), not in any message.
 *
 * @param bucket      the bucket, required
 * @param prefix      as configured, or null; normalised as Determined does (see {@link S3Keys})
 * @param endpointUrl an S3-compatible endpoint, e.g. {@code http://127.0.0.1:9000}, or null for AWS
 * @param accessKey   null for the default chain
 * @param secretKey   null for the default chain; set exactly when {@code accessKey} is
 */
public record S3Location(String bucket, String prefix, String endpointUrl, String accessKey, String secretKey) {

    public S3Location {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("s3 checkpoint storage needs a 'bucket'");
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("s3 checkpoint storage of bucket '" + bucket
                    + "': give both 'access_key' and 'secret_key', or neither (then the AWS default credentials chain is used)");
        }
        S3Keys.normalizePrefix(prefix);
    }

    /** Bucket and prefix only; credentials from the default chain. */
    public static S3Location of(String bucket, String prefix) {
        return new S3Location(bucket, prefix, null, null, null);
    }

    public boolean hasStaticCredentials() {
        return accessKey != null;
    }

    /**
     * The config as the master is told it: {@code type}, {@code bucket}, {@code prefix} and
     * {@code endpoint_url} when set; never the keys, so the master and its UI never hold them
     * (Determined's CLI then uses its own credentials chain to download).
     */
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
        return config;
    }

    /** {@code s3://bucket/prefix}, and the endpoint when set; never the credentials. */
    public String describe() {
        String normalised = S3Keys.normalizePrefix(prefix);
        return "s3://" + bucket + (normalised.isEmpty() ? "" : "/" + normalised)
                + (endpointUrl == null ? "" : " at " + endpointUrl);
    }

    @Override
    public String toString() {
        return "S3Location[" + describe() + ", credentials "
                + (hasStaticCredentials() ? "from access_key/secret_key" : "from the default chain") + "]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof S3Location that && bucket.equals(that.bucket) && Objects.equals(prefix, that.prefix)
                && Objects.equals(endpointUrl, that.endpointUrl) && Objects.equals(accessKey, that.accessKey)
                && Objects.equals(secretKey, that.secretKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bucket, prefix, endpointUrl);
    }
}
