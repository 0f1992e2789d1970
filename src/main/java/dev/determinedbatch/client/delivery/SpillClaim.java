package dev.determinedbatch.client.delivery;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.log.LogCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The right to a trial's spill file: an open session holds it from before it delivers its
 * trial's leftovers until it has closed, the {@link dev.determinedbatch.client.LeftoverCourier} while it delivers a closed
 * session's leftovers. One holder per file at a time, so no report is delivered twice at once,
 * nor out of order.
 *
 * <p>Within this JVM a registry keyed by the file decides, and a thread waiting for a file makes
 * its holder {@link #contended()}: the courier then stops after the report in flight. Between
 * processes (say the server and a Java SE program sharing the default spill directory) an OS
 * lock on {@code <spill file>.lock} beside it decides. The lock file lives only while held: the
 * holder removes it before letting go, and whoever locks it checks that the name still leads to
 * the file it locked (the file is written with a token of its own and read back by name), since
 * a removed file can still be locked by a process that opened it before. A lock file left by a
 * process that died is no one's lock: the OS let go of it, and the next holder takes it over.
 */
public final class SpillClaim implements AutoCloseable {

    /** How long a session waits for its trial's spill file before it gives up. */
    public static final Duration PATIENCE = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Logger LOG = Logger.getLogger(SpillClaim.class.getName());
    /** Guards itself and {@link #WAITING}. */
    private static final Map<Path, SpillClaim> HELD = new HashMap<>();
    private static final Map<Path, Integer> WAITING = new HashMap<>();

    private final Path file;
    private final Path lockFile;
    private FileChannel channel;
    private FileLock lock;

    private SpillClaim(Path file) {
        this.file = file;
        this.lockFile = lockFileOf(file);
    }

    /** Where the lock of the spill file {@code file} lies. */
    static Path lockFileOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".lock");
    }

    /**
     * The claim on {@code file}, at once, or empty when a session or a deliverer of this or
     * another process holds it.
     */
    public static Optional<SpillClaim> tryClaim(Path file) throws IOException {
        Path key = key(file);
        SpillClaim claim = new SpillClaim(key);
        synchronized (HELD) {
            if (HELD.containsKey(key)) {
                return Optional.empty();
            }
            HELD.put(key, claim);
        }
        boolean locked = false;
        try {
            locked = claim.lockOnDisk();
        } finally {
            if (!locked) {
                claim.forget();
            }
        }
        return locked ? Optional.of(claim) : Optional.empty();
    }

    /**
     * The claim on {@code file}, waiting while someone else holds it: a deliverer of this JVM lets
     * go after its report in flight, one of another process when it is done.
     *
     * @throws DeterminedException when it is still held after {@code patience}, naming the holder
     */
    public static SpillClaim claim(Path file, Duration patience) throws IOException {
        Path key = key(file);
        long deadline = System.nanoTime() + patience.toNanos();
        SpillClaim claim = new SpillClaim(key);
        synchronized (HELD) {
            WAITING.merge(key, 1, Integer::sum);
            HELD.notifyAll();
            try {
                while (HELD.containsKey(key)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new DeterminedException("the spill file " + key + " is held in this process, by another"
                                + " session of this trial or a leftover courier; gave up after " + patience.toSeconds()
                                + " s");
                    }
                    HELD.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeterminedException("interrupted while waiting for the spill file " + key, e);
            } finally {
                WAITING.merge(key, -1, (a, b) -> a + b == 0 ? null : a + b);
            }
            HELD.put(key, claim);
        }
        boolean locked = false;
        try {
            boolean told = false;
            while (!(locked = claim.lockOnDisk())) {
                if (!told) {
                    LogCode.SPILL_FILE_HELD.log(LOG, key, claim.holder());
                    told = true;
                }
                if (System.nanoTime() > deadline) {
                    throw new DeterminedException("the spill file " + key + " is held by another process ("
                            + claim.holder() + "): another session of this trial, or a leftover courier; gave up after "
                            + patience.toSeconds() + " s");
                }
                Thread.sleep(POLL.toMillis());
            }
            return claim;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeterminedException("interrupted while waiting for the spill file " + key, e);
        } finally {
            if (!locked) {
                claim.forget();
            }
        }
    }

    /** Whether a thread of this JVM waits for this file: a deliverer should let go soon. */
    public boolean contended() {
        synchronized (HELD) {
            return WAITING.containsKey(file);
        }
    }

    /** Waits until a thread of this JVM waits for {@code file}, at most {@code timeout}; for tests. */
    public static boolean awaitWaiter(Path file, Duration timeout) throws InterruptedException, IOException {
        Path key = key(file);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (HELD) {
            while (!WAITING.containsKey(key)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                HELD.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** The file by its directory's real path, so that two names of one file are one key. */
    private static Path key(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        return directory.toRealPath().resolve(file.getFileName());
    }

    /** Takes the OS lock; false when another process holds it. */
    private boolean lockOnDisk() throws IOException {
        while (true) {
            FileChannel opened = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock taken;
            try {
                taken = opened.tryLock();
            } catch (OverlappingFileLockException heldHere) {
                // this JVM holds it outside the registry: another class loader's copy of this client
                taken = null;
            } catch (IOException | RuntimeException e) {
                opened.close();
                throw e;
            }
            if (taken == null) {
                opened.close();
                return false;
            }
            String token = ProcessHandle.current().pid() + " since " + Instant.now() + " " + UUID.randomUUID();
            opened.truncate(0);
            opened.write(ByteBuffer.wrap(token.getBytes(StandardCharsets.UTF_8)), 0);
            opened.force(false);
            if (token.equals(readLockFile())) {
                channel = opened;
                lock = taken;
                return true;
            }
            // the file we locked was removed by its holder before we locked it: try the one there now
            taken.release();
            opened.close();
        }
    }

    private String readLockFile() throws IOException {
        try {
            return Files.readString(lockFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /** Who holds the lock file, as it says: {@code <pid> since <time> <token>}. */
    private String holder() {
        try {
            String text = readLockFile();
            return text == null ? "no lock file now" : "pid " + text.replaceFirst(" [^ ]+$", "");
        } catch (IOException e) {
            return "unknown: " + e.getMessage();
        }
    }

    /** Lets go: the lock file goes first, while still held, then the lock. */
    @Override
    public void close() {
        if (channel != null) {
            try {
                Files.deleteIfExists(lockFile);
            } catch (IOException e) {
                LOG.log(Level.FINE, "could not remove the lock file " + lockFile, e);
            }
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "could not release the lock file " + lockFile, e);
            }
            channel = null;
        }
        forget();
    }

    private void forget() {
        synchronized (HELD) {
            HELD.remove(file, this);
            HELD.notifyAll();
        }
    }
}
