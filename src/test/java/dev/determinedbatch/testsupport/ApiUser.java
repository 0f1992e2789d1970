package dev.determinedbatch.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A user of the job-control API as a test client presents it: HTTP Basic. {@link #toString()}
 * never shows the password.
 */
public record ApiUser(String name, String password) {

    /** The value of an {@code Authorization} header. */
    public String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The same user with another password. */
    public ApiUser withPassword(String other) {
        return new ApiUser(name, other);
    }

    @Override
    public String toString() {
        return "ApiUser[" + name + "]";
    }
}
