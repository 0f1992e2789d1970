package dev.determinedbatch.storage.s3;

import dev.determinedbatch.storage.StorageSpec;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.multipart.MultipartConfiguration;

/**
 * One bucket as the S3 storage calls it: the SDK client made from Determined's {@code s3} config,
 * reads, listings and deletes of objects, and every failure turned into an IOException that names
 * the bucket and what was tried, never a credential. Checkpoints are {@link S3Storage}'s business.
 */
final class S3Bucket implements AutoCloseable {

    private final StorageSpec.S3 location;
    private final S3AsyncClient client;

    private S3Bucket(StorageSpec.S3 location, S3AsyncClient client) {
        this.location = location;
        this.client = client;
    }

    /** A client for {@code location}; nothing is sent yet. */
    static S3Bucket connect(StorageSpec.S3 location, S3Storage.Options options) {
        return new S3Bucket(location, client(location, options));
    }

    String name() {
        return location.bucket();
    }

    S3AsyncClient client() {
        return client;
    }

    /** Checks that the bucket exists and the credentials reach it. */
    void check() throws IOException {
        await(client.headBucket(b -> b.bucket(name())), "check the bucket");
    }

    private static S3AsyncClient client(StorageSpec.S3 location, S3Storage.Options options) {
        AwsCredentialsProvider credentials = location.hasStaticCredentials()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(location.accessKey(), location.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        S3AsyncClientBuilder builder = S3AsyncClient.builder()
                .credentialsProvider(credentials)
                .region(region())
                // the manifest's CRC32C checks the bytes end to end; S3-compatible servers vary in
                // which of the SDK's newer checksum headers they understand
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .multipartEnabled(true)
                .multipartConfiguration(MultipartConfiguration.builder()
                        .thresholdInBytes(options.multipartThreshold())
                        .minimumPartSizeInBytes(options.partSize())
                        .build())
                .overrideConfiguration(o -> options.interceptors().forEach(o::addExecutionInterceptor));
        if (location.endpointUrl() != null) {
            // as boto3 with an endpoint_url: S3-compatible servers address buckets by path
            builder.endpointOverride(URI.create(location.endpointUrl())).forcePathStyle(true);
        }
        return builder.build();
    }

    /** The region of the default chain (AWS_REGION, profile); us-east-1 when none is set, as boto3. */
    private static Region region() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkException noRegion) {
            return Region.US_EAST_1;
        }
    }

    /** An object's bytes; empty when there is no such key. */
    Optional<byte[]> get(String key) throws IOException {
        try {
            return Optional.of(await(client.getObject(g -> g.bucket(location.bucket()).key(key),
                    AsyncResponseTransformer.toBytes()), "read " + key).asByteArray());
        } catch (NotThere missing) {
            return Optional.empty();
        }
    }

    List<S3Object> list(String prefix) throws IOException {
        List<S3Object> objects = new ArrayList<>();
        await(client.listObjectsV2Paginator(l -> l.bucket(location.bucket()).prefix(prefix))
                .contents().subscribe(objects::add), "list " + prefix);
        return objects;
    }

    /**
     * One DeleteObject per object, in parallel: a checkpoint has few objects, and DeleteObjects
     * needs a request checksum that not every S3-compatible server accepts.
     */
    void delete(List<S3Object> objects, String uuid) throws IOException {
        List<CompletableFuture<?>> deletes = new ArrayList<>();
        for (S3Object object : objects) {
            deletes.add(client.deleteObject(d -> d.bucket(location.bucket()).key(object.key())));
        }
        await(CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)), "delete checkpoint " + uuid);
    }

    /** No such key (HTTP 404 on an object): told apart so that callers can answer "not there". */
    private static final class NotThere extends IOException {
        NotThere(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Waits for a request and turns its failure into an IOException whose message names the bucket
     * and what was tried, never a credential: the SDK's messages hold none, but only the status and
     * error code are taken from them.
     */
    <T> T await(CompletableFuture<T> future, String what) throws IOException {
        try {
            return future.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw failure(what, cause);
        }
    }

    private IOException failure(String what, Throwable cause) {
        String bucket = "S3 bucket '" + location.bucket() + "'"
                + (location.endpointUrl() == null ? "" : " at " + location.endpointUrl());
        if (cause instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            int status = s3.statusCode();
            if ("NoSuchBucket".equals(code) || (status == 404 && what.equals("check the bucket"))) {
                return new IOException(bucket + " does not exist (" + what + ": HTTP 404)", cause);
            }
            if (status == 404) {
                return new NotThere(what + " in " + location.describe() + ": no such key", cause);
            }
            if (status == 401 || status == 403) {
                return new IOException(bucket + " refused the credentials (" + what + ": HTTP " + status
                        + (code == null ? "" : " " + code) + "); check the storage's access_key and secret_key,"
                        + " or the AWS default credentials chain when they are not set", cause);
            }
            return new IOException("cannot " + what + " in " + bucket + ": HTTP " + status
                    + (code == null ? "" : " " + code), cause);
        }
        if (cause instanceof IOException io) {
            return new IOException("cannot " + what + " in " + bucket + ": " + io.getMessage(), io);
        }
        String reason = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new IOException("cannot " + what + " in " + bucket + ": " + reason, cause);
    }

    @Override
    public void close() {
        client.close();
    }
}
