package dev.determinedbatch.batch;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/** The clock of time-based checkpoints: one place for tests to put another. */
@ApplicationScoped
public class BatchClock {

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
