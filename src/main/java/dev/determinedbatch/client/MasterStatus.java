package dev.determinedbatch.client;

import dev.determinedbatch.client.master.MasterApi;
import dev.determinedbatch.client.master.MasterConnection;
import dev.determinedbatch.client.master.MasterSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * Whether a session could reach its master now: what a readiness check asks of the client,
 * without building a connection of its own.
 *
 * @param master the master's URL
 * @param error  why it cannot be used (unreachable, login refused); null when it answered
 */
public record MasterStatus(String master, String error) {

    public boolean up() {
        return error == null;
    }

    /**
     * Authenticates with the master of {@code options} as a session would and asks for its info
     * ({@code GET /api/v1/master}), once, without retries, within the given timeouts.
     *
     * @return empty in local mode: no master is configured
     */
    public static Optional<MasterStatus> probe(SessionOptions options, Duration connectTimeout, Duration readTimeout) {
        return options.master().map(configured -> {
            MasterSettings settings = configured.withTimeouts(connectTimeout, readTimeout).withRetries(0, Duration.ZERO);
            try (MasterConnection connection = MasterConnection.open(settings)) {
                connection.call("GET /api/v1/master", MasterApi::masterInfo);
                return new MasterStatus(settings.url().toString(), null);
            } catch (RuntimeException e) {
                return new MasterStatus(settings.url().toString(), e.getMessage());
            }
        });
    }
}
