package dev.determinedbatch.jobrepository;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import org.postgresql.plugin.AuthenticationPlugin;
import org.postgresql.plugin.AuthenticationRequestType;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * The job repository's PostgreSQL password, read from its file in the secrets directory each time
 * PostgreSQL asks for one: PostgreSQL's JDBC driver's own authentication plugin, so the password is
 * neither a system property nor in the server's configuration, and a changed file counts from the
 * next connection. The connection property {@value #PASSWORD_FILE} names the file
 * (server-config/job-repository.cli); line ends at its end are dropped, as for every secret file.
 *
 * <p>It runs in the driver's WildFly module (org.postgresql.jdbc), not in the application: it uses
 * nothing of ours, and never puts the password in a message.
 */
public final class SecretFilePassword implements AuthenticationPlugin {

    /** The connection property naming the password file. */
    public static final String PASSWORD_FILE = "determinedBatchPasswordFile";

    private final String file;

    /** What the driver calls, with the connection's properties. */
    public SecretFilePassword(Properties connection) {
        this.file = connection.getProperty(PASSWORD_FILE);
    }

    @Override
    public char[] getPassword(AuthenticationRequestType type) throws PSQLException {
        if (file == null || file.isBlank()) {
            throw refused("PostgreSQL asks for the job repository's password, and the connection property "
                    + PASSWORD_FILE + " names no file to read it from", null);
        }
        Path path = Path.of(file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw refused("PostgreSQL asks for the job repository's password, and there is no file " + path
                    + "; write the password of the user named by determined.batch.job-repository.user into it", null);
        } catch (IOException e) {
            throw refused("the job repository's password file " + path + " cannot be read: " + e, e);
        }
        try {
            return withoutLineEnds(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private char[] withoutLineEnds(byte[] bytes) throws PSQLException {
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
            end--;
        }
        CharBuffer chars;
        try {
            chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, end));
        } catch (CharacterCodingException e) {
            throw refused("the job repository's password file " + file + " is not UTF-8 text", null);
        }
        char[] password = new char[chars.remaining()];
        chars.get(password);
        Arrays.fill(chars.array(), '\0');
        return password;
    }

    private static PSQLException refused(String message, Throwable cause) {
        return new PSQLException(message, PSQLState.INVALID_PASSWORD, cause);
    }
}
