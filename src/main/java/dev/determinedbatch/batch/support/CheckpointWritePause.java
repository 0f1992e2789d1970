package dev.determinedbatch.batch.support;

import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.storage.StoreObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * For tests only: holds a checkpoint write at a chosen {@link StoreObserver.Phase}, so that a test
 * can kill the server while a checkpoint is certainly being written. Off unless
 * {@value #CONFIG_KEY} names a directory; then, through files in it:
 * <ol>
 *   <li>the test arms the next store by creating {@code arm-<PHASE>} (e.g. {@code arm-FILES_STAGED});</li>
 *   <li>the first store to reach that phase removes the file (so one store takes one arm), writes
 *       {@value #MARKER} holding {@code <uuid> <PHASE>}, and waits;</li>
 *   <li>the test, having seen the marker, kills the server, or removes the marker to let the store
 *       go on. A store waits at most {@link #DEFAULT_LIMIT}, then goes on with a warning and leaves
 *       the marker.</li>
 * </ol>
 */
public final class CheckpointWritePause implements StoreObserver {

    /** The MicroProfile Config key that turns the pause on, naming its directory. */
    public static final String CONFIG_KEY = "determined.batch.test.checkpoint-write-pause-dir";
    /** The file a paused store writes: {@code <uuid> <PHASE>}. */
    public static final String MARKER = "paused";
    public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(120);

    private static final Logger LOG = Logger.getLogger(CheckpointWritePause.class.getName());
    private static final Duration POLL = Duration.ofMillis(20);

    private final Path directory;
    private final Duration limit;

    public CheckpointWritePause(Path directory, Duration limit) {
        if (limit.isNegative()) {
            throw new IllegalArgumentException("the pause limit must not be negative, got " + limit);
        }
        this.directory = directory.toAbsolutePath();
        this.limit = limit;
    }

    /** The pause {@value #CONFIG_KEY} configures, if any; its directory is created. */
    public static Optional<CheckpointWritePause> configured(Optional<String> directory) throws IOException {
        if (directory.isEmpty() || directory.get().isBlank()) {
            return Optional.empty();
        }
        Path dir = Path.of(directory.get().strip());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException(CONFIG_KEY + ": cannot create the directory " + dir + ": " + e.getMessage(), e);
        }
        return Optional.of(new CheckpointWritePause(dir, DEFAULT_LIMIT));
    }

    /** The file that arms the next store to pause at {@code phase}. */
    public static String armFile(Phase phase) {
        return "arm-" + phase.name();
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void reached(String uuid, Phase phase) throws IOException {
        if (!Files.deleteIfExists(directory.resolve(armFile(phase)))) {
            return;
        }
        Path marker = directory.resolve(MARKER);
        Path written = directory.resolve(MARKER + ".tmp");
        Files.writeString(written, uuid + " " + phase.name() + "\n", StandardCharsets.UTF_8);
        Files.move(written, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LogCode.TEST_PAUSE_WAITING.log(LOG, uuid, phase, limit.toSeconds(), marker);
        if (!awaitRemoval(marker)) {
            // the marker stays: the test sees that this pause ended by its limit
            LogCode.TEST_PAUSE_NOT_RELEASED.log(LOG, uuid, phase, limit.toSeconds());
        }
    }

    /** Whether the marker was removed within the limit. */
    private boolean awaitRemoval(Path marker) throws IOException {
        Instant deadline = Instant.now().plus(limit);
        while (Files.exists(marker)) {
            if (!Instant.now().isBefore(deadline)) {
                return false;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while paused in a checkpoint write", e);
            }
        }
        return true;
    }
}
