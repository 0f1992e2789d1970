package dev.determinedbatch.client.core;

import java.time.Instant;

/** One line of the trial's log, without its line break. */
public record LogLine(Instant timestamp, String text) {
}
