package dev.determinedbatch.testsupport;

import dev.determinedbatch.batch.support.CheckpointWritePause;
import dev.determinedbatch.storage.StoreObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A checkpoint write held by {@link CheckpointWritePause}, as a test sees it through the pause
 * directory: the uuid of the checkpoint and the phase it is held at.
 */
public record HeldWrite(String uuid, StoreObserver.Phase phase) {

    /**
     * Waits until a store in {@code pauses} is held, that is until its marker file appears. The
     * marker crosses processes (a server under test writes it), so it is polled, within {@code limit}.
     */
    public static HeldWrite await(Path pauses, Duration limit) throws IOException, InterruptedException {
        Path marker = pauses.resolve(CheckpointWritePause.MARKER);
        Instant deadline = Instant.now().plus(limit);
        while (!Files.exists(marker)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no checkpoint write was held in " + pauses + " within " + limit);
            }
            Thread.sleep(10);
        }
        String[] fields = Files.readString(marker, StandardCharsets.UTF_8).strip().split(" ");
        return new HeldWrite(fields[0], StoreObserver.Phase.valueOf(fields[1]));
    }
}
