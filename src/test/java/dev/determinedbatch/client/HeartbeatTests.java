package dev.determinedbatch.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.client.core.DeterminedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeartbeatTests {

    private final RecordingBackend backend = new RecordingBackend();
    private final ManualScheduler time = new ManualScheduler();

    @Test
    void beatsAtOnceThenEverySixtySeconds() {
        Heartbeat heartbeat = new Heartbeat(backend, time);
        heartbeat.start();
        assertThat(backend.calls).containsExactly("heartbeat");
        time.advance(Duration.ofSeconds(59));
        assertThat(backend.calls).hasSize(1);
        time.advance(Duration.ofSeconds(1));
        assertThat(backend.calls).hasSize(2);
        time.advance(Duration.ofSeconds(120));
        assertThat(backend.calls).hasSize(4);
        heartbeat.close();
        time.advance(Duration.ofMinutes(10));
        assertThat(backend.calls).hasSize(4);
        assertThat(time.pending()).isZero();
    }

    @Test
    void retriesTenSecondsAfterAFailure() {
        backend.heartbeatFailure = new DeterminedException("503");
        Heartbeat heartbeat = new Heartbeat(backend, time);
        heartbeat.start();
        time.advance(Duration.ofSeconds(10));
        assertThat(backend.calls).hasSize(2);
        backend.heartbeatFailure = null;
        time.advance(Duration.ofSeconds(10));
        assertThat(backend.calls).hasSize(3);
        time.advance(Duration.ofSeconds(59));
        assertThat(backend.calls).hasSize(3);
        time.advance(Duration.ofSeconds(1));
        assertThat(backend.calls).hasSize(4);
        heartbeat.close();
    }
}
