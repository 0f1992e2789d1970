package dev.determinedbatch.testsupport;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;

/**
 * The job-control API's users of the test servers, in the test resources {@code security/}:
 * an operator and a viewer, their passwords hashed as the README's "Security" section shows.
 * The Arquillian server (arquillian.xml) and {@link BootableJar} are started with these files.
 */
public final class TestApiUsers {

    /** Role batch-operator: may do everything. */
    public static final ApiUser OPERATOR = new ApiUser("it-operator", "Kx7 q:op3rator!");
    /** Role batch-viewer: may only read. */
    public static final ApiUser VIEWER = new ApiUser("it-viewer", "vw-3Rt-v1ewer");

    private TestApiUsers() {
    }

    public static Path usersFile() {
        return resource("security/api-users.properties");
    }

    public static Path rolesFile() {
        return resource("security/api-roles.properties");
    }

    /** The server's system properties that name the files. */
    public static List<String> serverArguments() {
        return List.of("-Ddetermined.batch.users.file=" + usersFile(), "-Ddetermined.batch.roles.file=" + rolesFile());
    }

    private static Path resource(String name) {
        URL url = TestApiUsers.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("the test resource " + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(url + " is no file", e);
        }
    }
}
