package dev.determinedbatch.client.master;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Who the client is towards the master: a user with a password (logged in with the salted
 * SHA-512 hash Determined's client sends), or a user with a ready token. {@link #toString()}
 * never shows the secret.
 */
public final class Credentials {

    /** Determined's fixed client-side salt; the master stores hashes made with it. */
    private static final String PASSWORD_SALT = "GubPEmmotfiK9TMD6Zdw";
    public static final String DEFAULT_USER = "determined";

    private final String username;
    private final String password;
    private final String token;

    private Credentials(String username, String password, String token) {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("the Determined user name is empty");
        }
        this.username = username;
        this.password = password;
        this.token = token;
    }

    public static Credentials password(String username, String password) {
        return new Credentials(username, password == null ? "" : password, null);
    }

    public static Credentials token(String username, String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the Determined user token is empty");
        }
        return new Credentials(username, null, token);
    }

    /**
     * Determined's rule: a user with a token uses it; else {@code user} and {@code password}
     * (both); else user {@code determined} with an empty password.
     */
    public static Credentials resolve(Optional<String> user, Optional<String> password, Optional<String> token) {
        if (user.isPresent() && token.isPresent()) {
            return token(user.get(), token.get());
        }
        if (user.isPresent() && password.isPresent()) {
            return password(user.get(), password.get());
        }
        if (user.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("DET_USER and DET_PASS (det.user, det.pass) must be set together,"
                    + " or DET_USER with DET_USER_TOKEN");
        }
        return password(DEFAULT_USER, "");
    }

    public String username() {
        return username;
    }

    public Optional<String> token() {
        return Optional.ofNullable(token);
    }

    public boolean canLogIn() {
        return password != null;
    }

    /** The password as the login call carries it: salted SHA-512 hex, an empty one as "". */
    String hashedPassword() {
        if (password == null || password.isEmpty()) {
            return "";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512")
                    .digest((PASSWORD_SALT + password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "Credentials[user=" + username + (token != null ? ", token=***" : ", password=***") + "]";
    }
}
