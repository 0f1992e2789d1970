package dev.determinedbatch.client.master;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Who the client is towards the master: a user with a password (logged in with the salted
 * SHA-512 hash Determined's client sends; an empty password is a password, Determined's default
 * users have one), or a user with a ready token. {@link #toString()} never shows the secret.
 */
public final class Credentials {

    /** Determined's fixed client-side salt; the master stores hashes made with it. */
    private static final String PASSWORD_SALT = "GubPEmmotfiK9TMD6Zdw";
    public static final String DEFAULT_USER = "determined";

    private final String username;
    private final String password;
    private final String token;
    private final String fallbackReason;

    private Credentials(String username, String password, String token, String fallbackReason) {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("the Determined user name is empty");
        }
        this.username = username;
        this.password = password;
        this.token = token;
        this.fallbackReason = fallbackReason;
    }

    public static Credentials password(String username, String password) {
        return new Credentials(username, password == null ? "" : password, null, null);
    }

    public static Credentials token(String username, String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the Determined user token is empty");
        }
        return new Credentials(username, null, token, null);
    }

    /**
     * Determined's rule ({@code login_with_cache} in its {@code authentication.py}, for a process
     * that cannot ask for a password and has no token cache): {@code DET_USER} with
     * {@code DET_USER_TOKEN} uses the token; else {@code DET_USER} with {@code DET_PASS}, which
     * may be empty; else the default user {@code determined} with an empty password, whatever
     * else is set. The values are as configured: an empty password is {@code Optional.of("")}.
     */
    public static Credentials resolve(Optional<String> user, Optional<String> password, Optional<String> token) {
        if (user.isPresent() && token.isPresent()) {
            return token(user.get(), token.get());
        }
        if (user.isPresent() && password.isPresent()) {
            return password(user.get(), password.get());
        }
        String ignored = user.isPresent() ? "DET_USER (det.user) '" + user.get()
                + "' is set without DET_PASS (det.pass) or DET_USER_TOKEN (det.user.token)"
                : password.isPresent() ? "DET_PASS (det.pass) is set without DET_USER (det.user)"
                : token.isPresent() ? "DET_USER_TOKEN (det.user.token) is set without DET_USER (det.user)"
                : null;
        String reason = ignored == null ? null : ignored + ", so, as Determined's client does, the default user '"
                + DEFAULT_USER + "' with an empty password is used; set DET_USER with DET_PASS (DET_PASS= for an"
                + " empty password) or with DET_USER_TOKEN";
        return new Credentials(DEFAULT_USER, "", null, reason);
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

    /**
     * Why these are the default user's although other credentials were configured: what was
     * ignored and what to set instead; empty when nothing was.
     */
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
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
