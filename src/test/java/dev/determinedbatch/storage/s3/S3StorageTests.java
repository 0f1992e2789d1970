package dev.determinedbatch.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.storage.CheckpointMetadata;
import dev.determinedbatch.storage.CheckpointNotFoundException;
import dev.determinedbatch.storage.CheckpointWriter;
import dev.determinedbatch.storage.CorruptCheckpointException;
import dev.determinedbatch.storage.StorageSpec;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.Verification;
import dev.determinedbatch.storage.fs.DirectoryStorage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** {@link S3Storage} against a real S3-compatible server on loopback (see {@link S3TestServer}). */
class S3StorageTests {

    private static final String BUCKET = "checkpoints";
    private static final int MIB = 1 << 20;

    @TempDir
    static Path serverFiles;
    private static S3TestServer server;
    private static S3AsyncClient raw;

    @TempDir
    Path temp;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3TestServer(serverFiles);
        server.createBucket(BUCKET);
        raw = S3AsyncClient.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)))
                .build();
    }

    @AfterAll
    static void stopServer() throws Exception {
        raw.close();
        server.close();
    }

    private S3Storage open(String prefix, S3Storage.Options options) throws IOException {
        return S3Storage.open(server.location(BUCKET, prefix), options.withTempDir(temp.resolve("tmp")));
    }

    private static S3Storage.Options options() {
        return S3Storage.Options.defaults();
    }

    private static CheckpointWriter files(Map<String, byte[]> contents) {
        return dir -> {
            for (Map.Entry<String, byte[]> file : contents.entrySet()) {
                Path target = dir.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue());
            }
        };
    }

    private static List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        raw.listObjectsV2Paginator(l -> l.bucket(BUCKET).prefix(prefix)).contents().subscribe(o -> keys.add(o.key())).join();
        Collections.sort(keys);
        return keys;
    }

    private static Map<String, byte[]> read(Path root) throws IOException {
        Map<String, byte[]> contents = new LinkedHashMap<>();
        try (var walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                contents.put(root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        }
        return contents;
    }

    @Test
    void storesRestoresListsAndDeletes() throws Exception {
        Map<String, byte[]> contents = new LinkedHashMap<>();
        contents.put("weights.bin", "0123456789".getBytes(StandardCharsets.US_ASCII));
        contents.put("sub/state.json", "{\"i\": 3}".getBytes(StandardCharsets.US_ASCII));
        try (S3Storage storage = open("roundtrip", options())) {
            StoredCheckpoint first = storage.store(Map.of("steps_completed", 3), files(contents));
            StoredCheckpoint second = storage.store(Map.of("steps_completed", 7), files(Map.of("w", new byte[] {1})));

            assertThat(first.resources()).containsEntry("weights.bin", 10L).containsEntry("sub/", 0L)
                    .containsEntry("sub/state.json", 8L).containsKey(CheckpointMetadata.FILE_NAME);
            assertThat(storage.find(first.uuid())).contains(first);
            assertThat(storage.list()).extracting(StoredCheckpoint::uuid).containsExactly(first.uuid(), second.uuid());

            AtomicReference<Path> restoredAt = new AtomicReference<>();
            Map<String, byte[]> restored = storage.restore(first.uuid(), checkpoint -> {
                restoredAt.set(checkpoint.root());
                return read(checkpoint.root());
            }, Verification.REQUIRED);
            assertThat(restored.keySet()).containsExactly("metadata.json", "sub/state.json", "weights.bin");
            assertThat(restored.get("weights.bin")).isEqualTo(contents.get("weights.bin"));
            assertThat(restored.get("sub/state.json")).isEqualTo(contents.get("sub/state.json"));
            assertThat(restoredAt.get()).doesNotExist();
            assertThat(temp.resolve("tmp")).isEmptyDirectory();

            storage.delete(first.uuid());
            storage.delete(first.uuid());
            assertThat(storage.find(first.uuid())).isEmpty();
            assertThat(storage.list()).extracting(StoredCheckpoint::uuid).containsExactly(second.uuid());
            assertThat(keys("roundtrip/" + first.uuid())).isEmpty();
            assertThatThrownBy(() -> storage.restore(first.uuid(), c -> null))
                    .isInstanceOf(CheckpointNotFoundException.class).hasMessageContaining(first.uuid());
        }
    }

    @Test
    void metadataHasTheBytesOfTheDirectoryStorage() throws Exception {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("steps_completed", 12);
        metadata.put("note", "é \"q\"");
        try (S3Storage storage = open("bytes", options())) {
            StoredCheckpoint stored = storage.store(metadata, files(Map.of("a", new byte[] {7})));
            DirectoryStorage directory = new DirectoryStorage(temp.resolve("dir"));
            StoredCheckpoint local = directory.store(metadata, files(Map.of("a", new byte[] {7})));
            byte[] s3Bytes = raw.getObject(g -> g.bucket(BUCKET).key("bytes/" + stored.uuid() + "/metadata.json"),
                    AsyncResponseTransformer.toBytes()).join().asByteArray();
            assertThat(s3Bytes).isEqualTo(Files.readAllBytes(directory.base().resolve(local.uuid()).resolve("metadata.json")));
            assertThat(stored.resources()).isEqualTo(local.resources());
        }
    }

    @Test
    void objectKeysAreDeterminedsLayout() throws Exception {
        UUID uuid = UUID.fromString("00944a54-7c2e-4402-8e77-88a7e8988b22");
        List<String> written = Collections.synchronizedList(new ArrayList<>());
        List<String> deleted = Collections.synchronizedList(new ArrayList<>());
        ExecutionInterceptor recordKeys = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutObjectRequest put) {
                    written.add(put.key());
                } else if (context.request() instanceof CreateMultipartUploadRequest create) {
                    written.add(create.key());
                } else if (context.request() instanceof DeleteObjectRequest delete) {
                    deleted.add(delete.key());
                }
            }
        };
        try (S3Storage storage = open("/runs//exp-1/./", options().withUuids(() -> uuid)
                .withInterceptors(List.of(recordKeys)))) {
            storage.store(Map.of("steps_completed", 1), files(Map.of("model.bin", new byte[] {1, 2},
                    "sub/w.bin", new byte[] {3})));
        }
        // Determined: normalize_prefix("/runs//exp-1/./") == "runs/exp-1"; keys f"{prefix}/{uuid}/{rel_path}",
        // a directory as an empty f"{prefix}/{uuid}/sub/"; the manifest beside, under .checksums, last;
        // before every object the upload mark, under .uploads, removed once the manifest is written
        String mark = "runs/exp-1/.uploads/00944a54-7c2e-4402-8e77-88a7e8988b22";
        List<String> expected = List.of(
                "runs/exp-1/00944a54-7c2e-4402-8e77-88a7e8988b22/metadata.json",
                "runs/exp-1/00944a54-7c2e-4402-8e77-88a7e8988b22/model.bin",
                "runs/exp-1/00944a54-7c2e-4402-8e77-88a7e8988b22/sub/",
                "runs/exp-1/00944a54-7c2e-4402-8e77-88a7e8988b22/sub/w.bin");
        assertThat(written.get(0)).isEqualTo(mark);
        assertThat(written.subList(1, 5)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(written.get(5)).isEqualTo("runs/exp-1/.checksums/00944a54-7c2e-4402-8e77-88a7e8988b22.json");
        assertThat(written).hasSize(6);
        assertThat(deleted).containsExactly(mark);
        assertThat(keys("runs/")).containsAll(written.subList(1, 6)).doesNotContain(mark);
    }

    @Test
    void uploadsAFileAboveTheThresholdInParts() throws Exception {
        AtomicInteger parts = new AtomicInteger();
        ExecutionInterceptor countParts = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof UploadPartRequest) {
                    parts.incrementAndGet();
                }
            }
        };
        byte[] big = new byte[11 * MIB + 3];
        new Random(1).nextBytes(big);
        try (S3Storage storage = open("big", options().withMultipart(5 * MIB, 5 * MIB)
                .withInterceptors(List.of(countParts)))) {
            StoredCheckpoint stored = storage.store(Map.of("steps_completed", 1), files(Map.of("big.bin", big)));
            assertThat(parts.get()).isEqualTo(3);
            assertThat(stored.resources()).containsEntry("big.bin", (long) big.length);
            byte[] restored = storage.restore(stored.uuid(), c -> Files.readAllBytes(c.resolve("big.bin")),
                    Verification.REQUIRED);
            assertThat(restored).isEqualTo(big);
        }
    }

    @Test
    void aWriterThatFailsLeavesNothing() throws Exception {
        try (S3Storage storage = open("writer-fails", options())) {
            assertThatThrownBy(() -> storage.store(Map.of("steps_completed", 1), dir -> {
                Files.write(dir.resolve("a"), new byte[] {1});
                throw new IOException("disk full");
            })).hasMessage("disk full");
            assertThat(storage.list()).isEmpty();
            assertThat(keys("writer-fails")).isEmpty();
            assertThat(temp.resolve("tmp")).isEmptyDirectory();
        }
    }

    /** As a crash midway: some objects written, the next refused, and no clean-up gets through. */
    @Test
    void anUploadInterruptedMidwayIsNeverListedNorRestored() throws Exception {
        UUID uuid = UUID.fromString("11111111-2222-4333-8444-555555555555");
        ExecutionInterceptor crash = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                SdkRequest request = context.request();
                if ((request instanceof PutObjectRequest put && put.key().endsWith("/b.bin"))
                        || request instanceof DeleteObjectRequest) {
                    throw new IllegalStateException("injected fault");
                }
            }
        };
        try (S3Storage storage = open("interrupted", options().withUuids(() -> uuid)
                .withInterceptors(List.of(crash)))) {
            assertThatThrownBy(() -> storage.store(Map.of("steps_completed", 1),
                    files(Map.of("a.bin", new byte[] {1}, "b.bin", new byte[] {2}))))
                    .isInstanceOf(IOException.class).hasMessageContaining("upload checkpoint " + uuid);
        }
        assertThat(keys("interrupted/")).contains("interrupted/" + uuid + "/a.bin", "interrupted/" + uuid + "/metadata.json")
                .noneMatch(k -> k.contains(".checksums"));
        try (S3Storage storage = open("interrupted", options())) {
            assertThat(storage.list()).isEmpty();
            assertThat(storage.find(uuid.toString())).isEmpty();
            assertThatThrownBy(() -> storage.restore(uuid.toString(), c -> "read"))
                    .isInstanceOf(CheckpointNotFoundException.class).hasMessageContaining("no checksum manifest");
        }
    }

    @Test
    void cleanUpRemovesStaleInterruptedUploadsAndNothingElse() throws Exception {
        UUID interrupted = UUID.fromString("22222222-2222-4333-8444-555555555555");
        try (S3Storage storage = open("cleanup", options().withUuids(() -> interrupted)
                .withInterceptors(List.of(crashAt("/b.bin"))))) {
            assertThatThrownBy(() -> storage.store(Map.of("steps_completed", 1),
                    files(Map.of("a.bin", new byte[] {1}, "b.bin", new byte[] {2})))).isInstanceOf(IOException.class);
        }
        // a checkpoint as Determined's own client uploads it: no manifest, no mark
        String determineds = "33333333-2222-4333-8444-555555555555";
        raw.putObject(p -> p.bucket(BUCKET).key("cleanup/" + determineds + "/metadata.json"),
                AsyncRequestBody.fromBytes("{\"steps_completed\": 5}".getBytes(StandardCharsets.UTF_8))).join();
        assertThat(keys("cleanup/.uploads/")).containsExactly("cleanup/.uploads/" + interrupted);

        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
        try (S3Storage storage = open("cleanup", options().withStaleUploads(later, Duration.ofHours(1)))) {
            StoredCheckpoint complete = storage.store(Map.of("steps_completed", 9), files(Map.of("w", new byte[] {9})));
            try (S3Storage fresh = open("cleanup", options().withStaleUploads(Clock.systemUTC(), Duration.ofHours(1)))) {
                assertThat(fresh.cleanUp()).as("an upload may still be under way").isZero();
            }
            assertThat(keys("cleanup/" + interrupted)).isNotEmpty();

            assertThat(storage.cleanUp()).isEqualTo(1);
            assertThat(keys("cleanup/" + interrupted)).isEmpty();
            assertThat(keys("cleanup/.uploads/")).isEmpty();
            assertThat(keys("cleanup/" + determineds)).as("never touched").contains("cleanup/" + determineds + "/metadata.json");
            assertThat(storage.list()).extracting(StoredCheckpoint::uuid).containsExactly(complete.uuid());
            assertThat(storage.cleanUp()).isZero();
        }
    }

    @Test
    void aStaleMarkOfACompleteCheckpointGoesAloneAndAnInterruptedDeleteIsFinished() throws Exception {
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
        try (S3Storage storage = open("marks", options().withStaleUploads(later, Duration.ofHours(1)))) {
            StoredCheckpoint kept = storage.store(Map.of("steps_completed", 1), files(Map.of("w", new byte[] {1})));
            StoredCheckpoint deleted = storage.store(Map.of("steps_completed", 2), files(Map.of("w", new byte[] {2})));
            // the writer of kept died after its manifest, before it removed its mark
            raw.putObject(p -> p.bucket(BUCKET).key("marks/.uploads/" + kept.uuid()), AsyncRequestBody.fromBytes("store".getBytes(StandardCharsets.UTF_8)))
                    .join();
            try (S3Storage crashing = open("marks", options().withInterceptors(List.of(crashAt("/w"))))) {
                assertThatThrownBy(() -> crashing.delete(deleted.uuid())).isInstanceOf(IOException.class);
            }
            assertThat(storage.list()).extracting(StoredCheckpoint::uuid).containsExactly(kept.uuid());
            assertThat(keys("marks/" + deleted.uuid())).isNotEmpty();

            assertThat(storage.cleanUp()).isEqualTo(2);
            assertThat(keys("marks/" + deleted.uuid())).isEmpty();
            assertThat(keys("marks/.uploads/")).isEmpty();
            byte[] restored = storage.restore(kept.uuid(), c -> Files.readAllBytes(c.root().resolve("w")),
                    Verification.REQUIRED);
            assertThat(restored).containsExactly(1);
        }
    }

    /** Refuses the upload or delete of the object whose key ends in {@code suffix}, and every later delete. */
    private static ExecutionInterceptor crashAt(String suffix) {
        return new ExecutionInterceptor() {
            private volatile boolean crashed;

            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                SdkRequest request = context.request();
                boolean hit = request instanceof PutObjectRequest put && put.key().endsWith(suffix)
                        || request instanceof DeleteObjectRequest delete && delete.key().endsWith(suffix);
                if (hit) {
                    crashed = true;
                }
                if (hit || crashed && request instanceof DeleteObjectRequest) {
                    throw new IllegalStateException("injected fault");
                }
            }
        };
    }

    @Test
    void aCorruptedObjectIsNotRestored() throws Exception {
        try (S3Storage storage = open("corrupt", options())) {
            StoredCheckpoint stored = storage.store(Map.of("steps_completed", 1), files(Map.of("w.bin", new byte[] {1, 2, 3})));
            raw.putObject(p -> p.bucket(BUCKET).key("corrupt/" + stored.uuid() + "/w.bin"),
                    AsyncRequestBody.fromBytes(new byte[] {1, 2, 4})).join();
            assertThatThrownBy(() -> storage.restore(stored.uuid(), c -> "read"))
                    .isInstanceOf(CorruptCheckpointException.class).hasMessageContaining("w.bin")
                    .hasMessageContaining("crc32c mismatch");
            assertThat(temp.resolve("tmp")).isEmptyDirectory();
        }
    }

    @Test
    void badCredentialsNameTheBucketNotTheSecret() {
        String secret = "wrong-secret-do-not-print";
        StorageSpec.S3 wrong = new StorageSpec.S3(BUCKET, null, server.endpoint(), S3TestServer.ACCESS_KEY, secret, Map.of());
        assertThatThrownBy(() -> S3Storage.open(wrong, options()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("S3 bucket '" + BUCKET + "'")
                .hasMessageContaining("refused the credentials")
                .satisfies(e -> assertNoSecret(e, secret));
        assertThat(wrong.toString()).doesNotContain(secret).doesNotContain(S3TestServer.ACCESS_KEY);
        assertThat(wrong.config().toString()).doesNotContain(secret).doesNotContain(S3TestServer.ACCESS_KEY);
    }

    @Test
    void aMissingBucketIsNamed() {
        assertThatThrownBy(() -> S3Storage.open(server.location("no-such-bucket", "p"), options()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("S3 bucket 'no-such-bucket'")
                .hasMessageContaining("does not exist")
                .satisfies(e -> assertNoSecret(e, S3TestServer.SECRET_KEY));
    }

    private static void assertNoSecret(Throwable failure, String secret) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
            for (Throwable suppressed : t.getSuppressed()) {
                assertThat(String.valueOf(suppressed.getMessage())).doesNotContain(secret);
            }
        }
    }
}
