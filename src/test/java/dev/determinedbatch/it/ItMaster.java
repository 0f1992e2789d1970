package dev.determinedbatch.it;

import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.standin.Trial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * The master stand-in of the Arquillian server (its {@code det.master}). The server logs in with
 * the user and password of its secrets directory ({@code it.secrets.dir}: files {@code det.user}
 * and {@code DET_PASS}, named by config key and by environment variable), which nothing else passes to it; the stand-in knows that user, and gives its default user
 * {@code determined} a password nobody knows, so that a server that missed the secrets cannot log in.
 */
final class ItMaster {

    private ItMaster() {
    }

    static StandInMaster start() {
        StandInMaster master = StandInMaster.start(Integer.getInteger("it.standin.port"));
        master.addUser("determined", UUID.randomUUID().toString());
        master.addUser(secret("det.user"), secret("DET_PASS"));
        return master;
    }

    /**
     * Waits (bounded) until the master has seen trial {@code externalTrialId} reach {@code state}.
     * JBeret shows an execution ended before its job listener has closed the trial, which flushes
     * the metrics first: only the trial's state tells that everything has arrived.
     */
    static Trial awaitTrial(StandInMaster master, String externalTrialId, String state) throws InterruptedException {
        master.awaitRequest(r -> master.state().trials().stream()
                        .anyMatch(t -> externalTrialId.equals(t.externalTrialId()) && state.equals(t.state())),
                Duration.ofSeconds(60))
                .orElseThrow(() -> new AssertionError("trial " + externalTrialId + " never reached " + state));
        return master.state().trials().stream().filter(t -> externalTrialId.equals(t.externalTrialId()))
                .findFirst().orElseThrow();
    }

    /** A secret as the server reads it: the file's content without its line end. */
    static String secret(String fileName) {
        Path file = Path.of(System.getProperty("it.secrets.dir"), fileName);
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("the test secret " + file + " cannot be read", e);
        }
    }
}
