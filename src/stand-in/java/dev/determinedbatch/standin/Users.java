package dev.determinedbatch.standin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Users, their passwords and the tokens they hold. Thread-safe. */
public final class Users {

    /** The salt Determined's clients put before a password they hash. */
    static final String CLIENT_SALT = "GubPEmmotfiK9TMD6Zdw";

    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, String> passwords = new HashMap<>();
    private final Map<String, String> tokens = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private long nextId = 1;

    Users() {
        addUser("determined", "");
    }

    /** Adds a user, or sets the password of an existing one. */
    public synchronized User addUser(String username, String password) {
        User user = users.computeIfAbsent(username, n -> new User(nextId++, n, true, true));
        passwords.put(username, password);
        return user;
    }

    public synchronized User user(String username) {
        User user = users.get(username);
        if (user == null) {
            throw MasterError.notFound("user " + username + " not found");
        }
        return user;
    }

    /** What a client sends for a password: {@code sha512hex(salt + password)}, "" stays "". */
    public static String clientHash(String password) {
        if (password.isEmpty()) {
            return "";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512")
                    .digest((CLIENT_SALT + password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks a login and issues a token, or refuses with 401 "invalid credentials". */
    public synchronized String login(String username, String password, boolean hashed) {
        String known = passwords.get(username);
        boolean valid = known != null && (known.isEmpty()
                ? password.isEmpty()
                : password.equals(hashed ? clientHash(known) : known));
        if (!valid) {
            throw MasterError.unauthenticated("invalid credentials");
        }
        return issueToken(username);
    }

    /** A valid token for a user, as if it came from a cached login. */
    public synchronized String issueToken(String username) {
        user(username);
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String token = "v2.public." + HexFormat.of().formatHex(bytes);
        tokens.put(token, username);
        return token;
    }

    /** Every token issued so far becomes invalid; the next call with one gets 401. */
    public synchronized void expireTokens() {
        tokens.clear();
    }

    /** The user an {@code Authorization} header stands for, or 401. */
    public synchronized User authenticate(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw MasterError.unauthenticated("missing or malformed Authorization header");
        }
        String username = tokens.get(authorization.substring("Bearer ".length()).trim());
        if (username == null) {
            throw MasterError.unauthenticated("invalid credentials");
        }
        return users.get(username);
    }
}
