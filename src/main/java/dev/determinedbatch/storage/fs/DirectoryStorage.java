package dev.determinedbatch.storage.fs;

import dev.determinedbatch.files.FileTrees;
import dev.determinedbatch.storage.CheckpointDirectory;
import dev.determinedbatch.storage.CheckpointFile;
import dev.determinedbatch.storage.CheckpointMetadata;
import dev.determinedbatch.storage.CheckpointNotFoundException;
import dev.determinedbatch.storage.CheckpointReader;
import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.CheckpointUuid;
import dev.determinedbatch.storage.CheckpointVerifier;
import dev.determinedbatch.storage.CheckpointWriter;
import dev.determinedbatch.storage.FileChecksum;
import dev.determinedbatch.storage.StorageSpec;
import dev.determinedbatch.storage.StoreObserver;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.Verification;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Checkpoints in a local or mounted directory, laid out as Determined's {@code directory} and
 * {@code shared_fs} storages lay them out: {@code <base>/<uuid>/} with the files and
 * {@code metadata.json}. Unlike Determined's client, which writes into {@code <base>/<uuid>}
 * directly, a checkpoint is written in {@code <base>/.staging} and renamed into place once durable,
 * so a crash never leaves a half-written checkpoint under a uuid. The checkpoint directory holds
 * only the caller's files and {@code metadata.json}, as Determined's client writes them; each
 * checkpoint's checksum manifest (see {@link dev.determinedbatch.storage.CheckpointManifest}) is
 * kept beside it in {@code <base>/.checksums/<uuid>.json} (see {@link ChecksumSidecars}), durable
 * before the checkpoint is published, and checked on every restore. Checkpoints that other
 * clients wrote read the same way, unchecked when they have no manifest, unless the caller
 * requires verification.
 *
 * <p>Safe for concurrent use by threads and processes: every store writes its own uuid.
 */
public final class DirectoryStorage implements CheckpointStorage {

    /**
     * What tests and operators may change.
     *
     * @param uuids         makes checkpoint uuids; {@link UUID#randomUUID()} as Determined
     * @param clock         judges the age of staging leftovers and checksum manifests
     * @param staleAfter    age past which a leftover of another host, or a checksum manifest with
     *                      neither checkpoint nor writer, counts as abandoned
     * @param hostname      this host, as written into staging names
     * @param observer      told of each phase of a store; {@link StoreObserver#NONE} but in tests
     * @param sync          makes files and directories durable; {@link FileSync#FORCE} but in tests
     * @param parallelFiles how many files of a checkpoint are written, or checked on restore, at once
     */
    public record Options(Supplier<UUID> uuids, Clock clock, Duration staleAfter, String hostname,
                          StoreObserver observer, FileSync sync, int parallelFiles) {

        public static final Duration DEFAULT_STALE_AFTER = Duration.ofHours(24);

        public Options {
            Objects.requireNonNull(uuids, "uuids");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(hostname, "hostname");
            Objects.requireNonNull(observer, "observer");
            Objects.requireNonNull(sync, "sync");
            if (staleAfter.isNegative()) {
                throw new IllegalArgumentException("staleAfter must not be negative, got " + staleAfter);
            }
            if (parallelFiles < 1) {
                throw new IllegalArgumentException("parallelFiles must be at least 1, got " + parallelFiles);
            }
        }

        public Options(Supplier<UUID> uuids, Clock clock, Duration staleAfter, String hostname, StoreObserver observer) {
            this(uuids, clock, staleAfter, hostname, observer, FileSync.FORCE, ParallelFiles.DEFAULT_PARALLELISM);
        }

        public Options(Supplier<UUID> uuids, Clock clock, Duration staleAfter, String hostname) {
            this(uuids, clock, staleAfter, hostname, StoreObserver.NONE);
        }

        public static Options defaults() {
            return new Options(UUID::randomUUID, Clock.systemUTC(), DEFAULT_STALE_AFTER,
                    StagingArea.localHostname());
        }

        public Options withUuids(Supplier<UUID> uuids) {
            return new Options(uuids, clock, staleAfter, hostname, observer, sync, parallelFiles);
        }

        public Options withClock(Clock clock) {
            return new Options(uuids, clock, staleAfter, hostname, observer, sync, parallelFiles);
        }

        public Options withStaleAfter(Duration staleAfter) {
            return new Options(uuids, clock, staleAfter, hostname, observer, sync, parallelFiles);
        }

        public Options withHostname(String hostname) {
            return new Options(uuids, clock, staleAfter, hostname, observer, sync, parallelFiles);
        }

        public Options withObserver(StoreObserver observer) {
            return new Options(uuids, clock, staleAfter, hostname, observer, sync, parallelFiles);
        }

        public Options withSync(FileSync sync) {
            return new Options(uuids, clock, staleAfter, hostname, observer, sync, parallelFiles);
        }

        public Options withParallelFiles(int parallelFiles) {
            return new Options(uuids, clock, staleAfter, hostname, observer, sync, parallelFiles);
        }
    }

    private final Path base;
    private final Map<String, Object> config;
    private final Supplier<UUID> uuids;
    private final StagingArea staging;
    private final ChecksumSidecars sidecars;
    private final StoreObserver observer;
    private final FileSync sync;
    private final ParallelFiles parallel;

    /** Storage in {@code base}, created when missing. */
    public DirectoryStorage(Path base) throws IOException {
        this(StorageSpec.directory(base), Options.defaults());
    }

    public DirectoryStorage(Path base, Options options) throws IOException {
        this(StorageSpec.directory(base), options);
    }

    /** Storage as a spec describes it; its config is the spec's, extra keys included. */
    public DirectoryStorage(StorageSpec.Directory spec, Options options) throws IOException {
        this.base = prepare(spec.checkpointRoot());
        this.config = spec.config();
        this.uuids = options.uuids();
        this.staging = new StagingArea(base, options.hostname(), ProcessHandle.current().pid(),
                options.clock(), options.staleAfter());
        this.sync = options.sync();
        this.sidecars = new ChecksumSidecars(base, staging, sync);
        this.observer = options.observer();
        this.parallel = new ParallelFiles(options.parallelFiles(), "determined-batch-checkpoint-files " + base);
    }

    /** The directory that holds one sub-directory per checkpoint. */
    public Path base() {
        return base;
    }

    @Override
    public Map<String, Object> config() {
        return new LinkedHashMap<>(config);
    }

    @Override
    public StoredCheckpoint store(Map<String, Object> metadata, CheckpointWriter files) throws IOException {
        byte[] metadataJson = CheckpointMetadata.render(metadata);
        Objects.requireNonNull(files, "checkpoint writer");
        return store(metadataJson, (uuid, dir) -> {
            files.write(dir);
            observer.reached(uuid, StoreObserver.Phase.FILES_STAGED);
            return CheckpointTree.seal(dir, metadataJson, sync);
        });
    }

    /**
     * Writes the files several at a time (see {@link Options#parallelFiles}), each checksummed as
     * its bytes pass and synced once, and meanwhile {@code metadata.json} on this thread; then
     * each directory once. (One fsync less in line: a checkpoint every few steps waits on these.)
     */
    @Override
    public StoredCheckpoint store(Map<String, Object> metadata, Map<String, CheckpointFile> files) throws IOException {
        byte[] metadataJson = CheckpointMetadata.render(metadata);
        CheckpointFile.requireNames(files.keySet());
        Map<String, CheckpointFile> given = new LinkedHashMap<>(files);
        return store(metadataJson, (uuid, dir) -> {
            List<String> directories = CheckpointTree.createDirectories(dir, given.keySet());
            Map<String, FileChecksum> checksums = parallel.write(dir, given, sync,
                    () -> CheckpointTree.writeMetadata(dir, metadataJson, sync));
            observer.reached(uuid, StoreObserver.Phase.FILES_STAGED);
            return CheckpointTree.sealWritten(dir, directories, checksums, metadataJson, sync);
        });
    }

    /** Puts the files in a staging directory, durable, with their manifest: one way or another. */
    @FunctionalInterface
    private interface Stage {

        CheckpointTree.Sealed write(String uuid, Path dir) throws IOException;
    }

    /**
     * A new uuid's staging directory, staged and sealed; the manifest, durable; the rename that
     * publishes the checkpoint, durable. Whatever fails is taken back.
     */
    private StoredCheckpoint store(byte[] metadataJson, Stage stage) throws IOException {
        String uuid = CheckpointUuid.require(uuids.get().toString());
        Path target = base.resolve(uuid);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            // a rename would replace an empty directory silently; uuid4 never repeats in practice
            throw new FileAlreadyExistsException(target.toString(), null, "checkpoint uuid already taken");
        }
        Path dir = staging.create(uuid);
        boolean renamed = false;
        try {
            CheckpointTree.Sealed sealed = stage.write(uuid, dir);
            StoredCheckpoint stored = new StoredCheckpoint(uuid,
                    CheckpointMetadata.parse(metadataJson, dir.resolve(CheckpointMetadata.FILE_NAME).toString()),
                    sealed.resources());
            // durable before the rename: a published checkpoint always has its manifest
            sidecars.write(uuid, sealed.manifest());
            observer.reached(uuid, StoreObserver.Phase.MANIFEST_WRITTEN);
            Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
            renamed = true;
            publish(uuid, target);
            return stored;
        } catch (Throwable failure) {
            // ours, unless our checkpoint is in place and could not be taken back (then it needs it)
            if (!renamed || !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                sidecars.deleteAfter(failure, uuid);
            }
            CheckpointTree.deleteAfter(failure, dir);
            throw failure;
        }
    }

    /**
     * The rename is durable once the base directory's entries are; undone if that (or the
     * observer) fails, so a caller that sees the failure never has a checkpoint it did not get a
     * uuid for.
     */
    private void publish(String uuid, Path target) throws IOException {
        try {
            sync.directory(base);
            observer.reached(uuid, StoreObserver.Phase.PUBLISHED);
        } catch (IOException | RuntimeException failure) {
            CheckpointTree.deleteAfter(failure, target);
            throw failure;
        }
    }

    @Override
    public <T> T restore(String uuid, CheckpointReader<T> reader, Verification verification) throws IOException {
        CheckpointUuid.require(uuid);
        Objects.requireNonNull(reader, "checkpoint reader");
        Objects.requireNonNull(verification, "verification");
        CheckpointDirectory checkpoint = new CheckpointDirectory(load(uuid), base.resolve(uuid));
        return CheckpointVerifier.read(checkpoint, sidecars.file(uuid), ChecksumSidecars.name(uuid), verification,
                parallel.executor(), reader);
    }

    @Override
    public Optional<StoredCheckpoint> find(String uuid) throws IOException {
        try {
            return Optional.of(load(CheckpointUuid.require(uuid)));
        } catch (CheckpointNotFoundException incomplete) {
            return Optional.empty();
        }
    }

    /**
     * Ordered by steps completed, then uuid: the last is the furthest along. Only uuid-named
     * directories count: {@code .staging} and {@code .checksums} are not listed.
     */
    @Override
    public List<StoredCheckpoint> list() throws IOException {
        List<StoredCheckpoint> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(base)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!CheckpointUuid.isValid(name)) {
                    continue;
                }
                try {
                    found.add(load(name));
                } catch (CheckpointNotFoundException | NoSuchFileException incompleteOrDeletedMeanwhile) {
                    // not a complete checkpoint: not listed
                }
            }
        }
        found.sort(Comparator.comparingLong(StoredCheckpoint::stepsCompleted).thenComparing(StoredCheckpoint::uuid));
        return found;
    }

    /**
     * Moves the checkpoint out of sight, deletes its files, then its manifest. When the checkpoint
     * is not there, a manifest of that uuid is left to {@link #cleanUp}: it may belong to a store
     * that has not yet renamed its checkpoint into place.
     */
    @Override
    public void delete(String uuid) throws IOException {
        Path dir = base.resolve(CheckpointUuid.require(uuid));
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // out of sight in one step, so a crash midway leaves no checkpoint with missing files
        Path aside = staging.entry(uuid);
        try {
            Files.createDirectories(staging.directory());
            Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException deletedMeanwhile) {
            return;
        }
        sync.directory(base);
        FileTrees.delete(aside);
        sidecars.delete(uuid);
    }

    /**
     * Removes staging leftovers of dead writers and deleters, then the checksum manifests that no
     * checkpoint will have (see {@link ChecksumSidecars#cleanUp}).
     */
    @Override
    public int cleanUp() throws IOException {
        Set<String> ownersGone = new HashSet<>();
        int removed = staging.cleanUp(ownersGone);
        return removed + sidecars.cleanUp(ownersGone);
    }

    /**
     * A complete checkpoint: a directory named by its uuid holding a {@code metadata.json} with
     * an integer {@code steps_completed}.
     */
    private StoredCheckpoint load(String uuid) throws IOException {
        Path dir = base.resolve(uuid);
        Path metadataFile = dir.resolve(CheckpointMetadata.FILE_NAME);
        if (!Files.isDirectory(dir)) {
            throw new CheckpointNotFoundException(uuid, base.toString());
        }
        if (!Files.isRegularFile(metadataFile)) {
            throw new CheckpointNotFoundException(uuid, base.toString(),
                    "its directory has no " + CheckpointMetadata.FILE_NAME);
        }
        Map<String, Object> metadata;
        try {
            metadata = CheckpointMetadata.parse(Files.readAllBytes(metadataFile), metadataFile.toString());
        } catch (IllegalArgumentException invalid) {
            throw new CheckpointNotFoundException(uuid, base.toString(), invalid.getMessage());
        }
        try {
            return new StoredCheckpoint(uuid, metadata, CheckpointTree.describe(dir));
        } catch (NoSuchFileException deletedMeanwhile) {
            throw new CheckpointNotFoundException(uuid, base.toString(), "it was deleted while being read");
        }
    }

    private static Path prepare(Path base) throws IOException {
        Path dir = base.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException("checkpoint storage base " + dir + " is not a directory (a file is in the way)");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create checkpoint storage base " + dir + ": " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new IOException("checkpoint storage base " + dir + " is not writable");
        }
        return dir;
    }
}
