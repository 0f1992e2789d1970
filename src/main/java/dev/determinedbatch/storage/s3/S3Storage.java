package dev.determinedbatch.storage.s3;

import dev.determinedbatch.files.FileTrees;
import dev.determinedbatch.storage.CheckpointDirectory;
import dev.determinedbatch.storage.CheckpointMetadata;
import dev.determinedbatch.storage.CheckpointNotFoundException;
import dev.determinedbatch.storage.CheckpointReader;
import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.CheckpointUuid;
import dev.determinedbatch.storage.CheckpointVerifier;
import dev.determinedbatch.storage.CheckpointWriter;
import dev.determinedbatch.storage.CorruptCheckpointException;
import dev.determinedbatch.storage.StoreObserver;
import dev.determinedbatch.storage.StorageSpec;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.Verification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.DownloadFileRequest;
import software.amazon.awssdk.transfer.s3.model.UploadFileRequest;

/**
 * Checkpoints in an S3 bucket, laid out as Determined's {@code S3StorageManager} lays them out
 * (see {@link S3Keys}): {@code <prefix>/<uuid>/<relative path>}, a directory as an empty
 * {@code <prefix>/<uuid>/<rel/dir/>}, {@code metadata.json} with the bytes of the directory
 * storage. The checksum manifest lies beside the checkpoints at
 * {@code <prefix>/.checksums/<uuid>.json}, never under the uuid.
 *
 * <p>A store writes the caller's files into a local staging directory, uploads every object of the
 * checkpoint in parallel (files above the multipart threshold in parts, through the transfer
 * manager), and only when all of them are written, the manifest: the manifest is the mark of a
 * complete checkpoint. {@link #find}, {@link #list} and {@link #restore} see only checkpoints whose
 * manifest exists, so an upload that died midway is never listed nor restored. For the same
 * reason a checkpoint that Determined's own client uploaded (it writes no manifest) is not seen by
 * this storage. An upload mark {@code <prefix>/.uploads/<uuid>} lies there from before the first
 * object until after the manifest (and during a delete), so that {@link #cleanUp} can tell an
 * interrupted upload from Determined's checkpoints and remove it. A restore downloads into a temporary directory that is always removed, and checks
 * every file against the manifest before the reader runs.
 *
 * <p>Safe for concurrent use; {@link #close} releases the HTTP connections.
 */
public final class S3Storage implements CheckpointStorage, AutoCloseable {

    /**
     * What tests and operators may change.
     *
     * @param uuids                 makes checkpoint uuids; {@link UUID#randomUUID()} as Determined
     * @param multipartThreshold    bytes from which a file is uploaded in parts
     * @param partSize              bytes of each part (S3 needs at least 5 MiB but for the last)
     * @param tempDir               where staging and restore directories are made
     * @param observer              told of the phases of a store ({@code FILES_STAGED}, {@code PUBLISHED})
     * @param interceptors          added to the SDK client: tests inject faults with them
     * @param clock                 what {@link #cleanUp} takes for now
     * @param staleAfter            how old an upload mark must be before {@link #cleanUp} takes its
     *                              upload for interrupted (its writer dead): longer than any store takes
     */
    public record Options(Supplier<UUID> uuids, long multipartThreshold, long partSize, Path tempDir,
                          StoreObserver observer, List<ExecutionInterceptor> interceptors, Clock clock,
                          Duration staleAfter) {

        public static final long DEFAULT_MULTIPART_THRESHOLD = 16L << 20;
        public static final long DEFAULT_PART_SIZE = 8L << 20;
        /** As the directory storage's bound for staging directories of other hosts. */
        public static final Duration DEFAULT_STALE_AFTER = Duration.ofHours(24);
        private static final long MIN_PART_SIZE = 5L << 20;

        public Options {
            Objects.requireNonNull(uuids, "uuids");
            Objects.requireNonNull(tempDir, "tempDir");
            Objects.requireNonNull(observer, "observer");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(staleAfter, "staleAfter");
            interceptors = List.copyOf(interceptors);
            if (staleAfter.isNegative()) {
                throw new IllegalArgumentException("the age of a stale upload mark must not be negative, got "
                        + staleAfter);
            }
            if (partSize < MIN_PART_SIZE || multipartThreshold < partSize) {
                throw new IllegalArgumentException("S3 part size must be at least 5 MiB and the multipart threshold"
                        + " at least the part size, got part size " + partSize + ", threshold " + multipartThreshold);
            }
        }

        public static Options defaults() {
            return new Options(UUID::randomUUID, DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE,
                    Path.of(System.getProperty("java.io.tmpdir")), StoreObserver.NONE, List.of(), Clock.systemUTC(),
                    DEFAULT_STALE_AFTER);
        }

        public Options withUuids(Supplier<UUID> uuids) {
            return new Options(uuids, multipartThreshold, partSize, tempDir, observer, interceptors, clock, staleAfter);
        }

        public Options withMultipart(long multipartThreshold, long partSize) {
            return new Options(uuids, multipartThreshold, partSize, tempDir, observer, interceptors, clock, staleAfter);
        }

        public Options withTempDir(Path tempDir) {
            return new Options(uuids, multipartThreshold, partSize, tempDir, observer, interceptors, clock, staleAfter);
        }

        public Options withObserver(StoreObserver observer) {
            return new Options(uuids, multipartThreshold, partSize, tempDir, observer, interceptors, clock, staleAfter);
        }

        public Options withInterceptors(List<ExecutionInterceptor> interceptors) {
            return new Options(uuids, multipartThreshold, partSize, tempDir, observer, interceptors, clock, staleAfter);
        }

        public Options withStaleUploads(Clock clock, Duration staleAfter) {
            return new Options(uuids, multipartThreshold, partSize, tempDir, observer, interceptors, clock, staleAfter);
        }
    }

    private final StorageSpec.S3 location;
    private final S3Keys keys;
    private final Options options;
    private final S3Bucket bucket;
    private final S3AsyncClient client;
    private final S3TransferManager transfers;
    private final UploadMarks marks;

    private S3Storage(StorageSpec.S3 location, Options options, S3Bucket bucket) {
        this.location = location;
        this.keys = new S3Keys(location.prefix());
        this.options = options;
        this.bucket = bucket;
        this.client = bucket.client();
        this.transfers = S3TransferManager.builder().s3Client(client).build();
        this.marks = new UploadMarks(bucket, keys, options.clock(), options.staleAfter());
    }

    /**
     * Connects and checks that the bucket exists and the credentials reach it, so that a wrong
     * bucket or key fails here, before any training, with a message naming the bucket (never a key).
     */
    public static S3Storage open(StorageSpec.S3 location, Options options) throws IOException {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(options, "options");
        S3Storage storage = new S3Storage(location, options, S3Bucket.connect(location, options));
        try {
            storage.bucket.check();
        } catch (IOException | RuntimeException e) {
            storage.close();
            throw e;
        }
        return storage;
    }

    public static S3Storage open(StorageSpec.S3 location) throws IOException {
        return open(location, Options.defaults());
    }

    public StorageSpec.S3 location() {
        return location;
    }

    /** Determined's {@code s3} config without credentials (see {@link StorageSpec.S3#config()}). */
    @Override
    public Map<String, Object> config() {
        return location.config();
    }

    @Override
    public StoredCheckpoint store(Map<String, Object> metadata, CheckpointWriter files) throws IOException {
        byte[] metadataJson = CheckpointMetadata.render(metadata);
        Objects.requireNonNull(files, "checkpoint writer");
        String uuid = CheckpointUuid.require(options.uuids().get().toString());
        Files.createDirectories(options.tempDir());
        Path staging = Files.createTempDirectory(options.tempDir(), "s3-store-" + uuid + "-");
        boolean uploading = false;
        try {
            files.write(staging);
            options.observer().reached(uuid, StoreObserver.Phase.FILES_STAGED);
            StagedCheckpoint staged = StagedCheckpoint.read(staging, metadataJson.length);
            StoredCheckpoint stored = new StoredCheckpoint(uuid,
                    CheckpointMetadata.parse(metadataJson, CheckpointMetadata.FILE_NAME), staged.resources());
            uploading = true;
            marks.mark(uuid, "store");
            uploadAll(uuid, staging, staged, metadataJson);
            // last: its existence is what makes the checkpoint complete
            bucket.await(client.putObject(p -> p.bucket(location.bucket()).key(keys.manifestKey(uuid)),
                    AsyncRequestBody.fromBytes(staged.manifest().render())), "write the checksum manifest of " + uuid);
            options.observer().reached(uuid, StoreObserver.Phase.PUBLISHED);
            marks.unmark(uuid);
            return stored;
        } catch (Throwable failure) {
            if (uploading) {
                deleteAfter(failure, uuid);
            }
            throw failure;
        } finally {
            FileTrees.delete(staging);
        }
    }

    private void uploadAll(String uuid, Path staging, StagedCheckpoint staged, byte[] metadataJson) throws IOException {
        List<CompletableFuture<?>> uploads = new ArrayList<>();
        for (String directory : staged.directories()) {
            uploads.add(client.putObject(p -> p.bucket(location.bucket()).key(keys.objectKey(uuid, directory)),
                    AsyncRequestBody.fromBytes(new byte[0])));
        }
        for (String file : staged.files()) {
            uploads.add(transfers.uploadFile(UploadFileRequest.builder()
                    .putObjectRequest(p -> p.bucket(location.bucket()).key(keys.objectKey(uuid, file)))
                    .source(staging.resolve(file))
                    .build()).completionFuture());
        }
        uploads.add(client.putObject(p -> p.bucket(location.bucket()).key(keys.objectKey(uuid, CheckpointMetadata.FILE_NAME)),
                AsyncRequestBody.fromBytes(metadataJson)));
        // allOf ends when every upload has ended, so nothing is still writing when a failure cleans up
        bucket.await(CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new)), "upload checkpoint " + uuid);
    }

    /**
     * After a failed store: its objects go, so that only what a crash interrupts is ever left. A
     * mark that could not be removed leaves it to {@link #cleanUp} once the mark is stale.
     */
    private void deleteAfter(Throwable failure, String uuid) {
        try {
            removeCheckpoint(uuid);
            marks.unmark(uuid);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** The manifest first (out of sight in one request), then the checkpoint's objects. */
    private void removeCheckpoint(String uuid) throws IOException {
        bucket.await(client.deleteObject(d -> d.bucket(location.bucket()).key(keys.manifestKey(uuid))),
                "delete the manifest of " + uuid);
        removeObjects(uuid);
    }

    private void removeObjects(String uuid) throws IOException {
        bucket.delete(bucket.list(keys.checkpointPrefix(uuid) + "/"), uuid);
    }

    @Override
    public <T> T restore(String uuid, CheckpointReader<T> reader, Verification verification) throws IOException {
        CheckpointUuid.require(uuid);
        Objects.requireNonNull(reader, "checkpoint reader");
        Objects.requireNonNull(verification, "verification");
        byte[] manifest = manifest(uuid).orElseThrow(() -> new CheckpointNotFoundException(uuid, location.describe(),
                "no checksum manifest " + keys.manifestKey(uuid) + ": never completely uploaded, or deleted"));
        Loaded loaded = load(uuid);
        Files.createDirectories(options.tempDir());
        Path temp = Files.createTempDirectory(options.tempDir(), "s3-restore-" + uuid + "-");
        try {
            Path manifestFile = Files.write(temp.resolve("manifest.json"), manifest);
            Path root = Files.createDirectory(temp.resolve(uuid));
            CheckpointDirectory checkpoint = new CheckpointDirectory(loaded.checkpoint(), root);
            download(uuid, loaded.objects(), checkpoint);
            CheckpointVerifier.verify(checkpoint, manifestFile, S3Keys.manifestName(uuid), verification);
            return reader.read(checkpoint);
        } finally {
            FileTrees.delete(temp);
        }
    }

    private void download(String uuid, List<S3Object> objects, CheckpointDirectory checkpoint) throws IOException {
        String prefix = keys.checkpointPrefix(uuid) + "/";
        List<CompletableFuture<?>> downloads = new ArrayList<>();
        for (S3Object object : objects) {
            String relative = object.key().substring(prefix.length());
            if (relative.isEmpty()) {
                continue;
            }
            Path target;
            try {
                target = checkpoint.resolve(relative);
            } catch (IllegalArgumentException escapes) {
                throw new CorruptCheckpointException(uuid, relative, "an object key that leads outside the checkpoint");
            }
            if (relative.endsWith("/")) {
                Files.createDirectories(target);
                continue;
            }
            Files.createDirectories(target.getParent());
            downloads.add(transfers.downloadFile(DownloadFileRequest.builder()
                    .getObjectRequest(g -> g.bucket(location.bucket()).key(object.key()))
                    .destination(target)
                    .build()).completionFuture());
        }
        bucket.await(CompletableFuture.allOf(downloads.toArray(CompletableFuture[]::new)), "download checkpoint " + uuid);
    }

    @Override
    public Optional<StoredCheckpoint> find(String uuid) throws IOException {
        CheckpointUuid.require(uuid);
        if (manifest(uuid).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(load(uuid).checkpoint());
        } catch (CheckpointNotFoundException incomplete) {
            return Optional.empty();
        }
    }

    /** Every checkpoint with a manifest, ordered by steps completed, then uuid: the last is the furthest along. */
    @Override
    public List<StoredCheckpoint> list() throws IOException {
        String directory = keys.manifestDirectory();
        List<StoredCheckpoint> found = new ArrayList<>();
        for (S3Object manifest : bucket.list(directory)) {
            String name = manifest.key().substring(directory.length());
            if (!name.endsWith(".json") || !CheckpointUuid.isValid(name.substring(0, name.length() - 5))) {
                continue;
            }
            try {
                found.add(load(name.substring(0, name.length() - 5)).checkpoint());
            } catch (CheckpointNotFoundException deletedMeanwhile) {
                // not complete: not listed
            }
        }
        found.sort(Comparator.comparingLong(StoredCheckpoint::stepsCompleted).thenComparing(StoredCheckpoint::uuid));
        return found;
    }

    /**
     * Deletes the manifest first, which takes the checkpoint out of sight in one request (as the
     * directory storage's rename does), then its objects; a crash in between leaves objects that are
     * never listed. A uuid that is not there is not an error.
     */
    @Override
    public void delete(String uuid) throws IOException {
        CheckpointUuid.require(uuid);
        // a crash after the manifest's delete would leave objects never listed: the mark lets cleanUp find them
        marks.mark(uuid, "delete");
        removeCheckpoint(uuid);
        marks.unmark(uuid);
    }

    /**
     * Removes what interrupted stores and deletes left: for each upload mark older than
     * {@link Options#staleAfter()} (its writer is taken for dead), the objects of its uuid when no
     * manifest says the checkpoint is complete, then the mark; a mark whose checkpoint has its
     * manifest (the writer died between the two) goes alone. Objects of a uuid without a mark
     * (a checkpoint Determined's own client uploaded, which has no manifest) are never touched.
     *
     * @return how many uuids it removed objects or marks of
     */
    @Override
    public int cleanUp() throws IOException {
        List<String> stale = marks.stale();
        for (String uuid : stale) {
            if (manifest(uuid).isEmpty()) {
                removeObjects(uuid);
            }
            marks.unmark(uuid);
        }
        return stale.size();
    }

    /** Whether the bucket still exists and the credentials reach it (the readiness check). */
    public void checkBucket() throws IOException {
        bucket.check();
    }

    @Override
    public void close() {
        transfers.close();
        bucket.close();
    }

    @Override
    public String toString() {
        return "S3Storage[" + location.describe() + "]";
    }

    private record Loaded(StoredCheckpoint checkpoint, List<S3Object> objects) {
    }

    /** A checkpoint's metadata and objects; its manifest is checked by the caller. */
    private Loaded load(String uuid) throws IOException {
        String prefix = keys.checkpointPrefix(uuid) + "/";
        List<S3Object> objects = bucket.list(prefix);
        Map<String, Long> resources = new LinkedHashMap<>();
        for (S3Object object : objects) {
            String relative = object.key().substring(prefix.length());
            if (!relative.isEmpty()) {
                resources.put(relative, relative.endsWith("/") ? 0L : object.size());
            }
        }
        if (!resources.containsKey(CheckpointMetadata.FILE_NAME)) {
            throw new CheckpointNotFoundException(uuid, location.describe(), "it has no " + CheckpointMetadata.FILE_NAME);
        }
        String metadataKey = keys.objectKey(uuid, CheckpointMetadata.FILE_NAME);
        byte[] json = bucket.get(metadataKey).orElseThrow(() -> new CheckpointNotFoundException(uuid, location.describe(),
                "it was deleted while being read"));
        Map<String, Object> metadata;
        try {
            metadata = CheckpointMetadata.parse(json, metadataKey);
        } catch (IllegalArgumentException invalid) {
            throw new CheckpointNotFoundException(uuid, location.describe(), invalid.getMessage());
        }
        return new Loaded(new StoredCheckpoint(uuid, metadata, resources), objects);
    }

    private Optional<byte[]> manifest(String uuid) throws IOException {
        return bucket.get(keys.manifestKey(uuid));
    }
}
