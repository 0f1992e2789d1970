package dev.determinedbatch.it;

import dev.determinedbatch.standin.StandInMaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
