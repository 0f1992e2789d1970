package dev.determinedbatch.time;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/**
 * The server's {@link Clock} for CDI: time-based checkpoints ({@code batch}) and server leases
 * ({@code recovery}) inject it, so neither depends on the other for it; one place for tests to
 * put another.
 */
@ApplicationScoped
public class ServerClock {

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
