package dev.determinedbatch.standin;

import java.time.Instant;
import java.util.Map;

/**
 * An experiment as the master holds it.
 *
 * @param externalId     null when created by {@code POST /api/v1/experiments}
 * @param config         the YAML config, parsed
 * @param originalConfig the YAML text as sent
 * @param state          follows its trials: STATE_ACTIVE until every trial has ended
 */
public record Experiment(long id, String externalId, String name, Map<String, Object> config,
                         String originalConfig, String username, String state,
                         Instant startTime, Instant endTime) {

    public Experiment {
        config = Fields.freeze(config);
    }

    Experiment withConfig(String newName, Map<String, Object> newConfig, String yaml) {
        return new Experiment(id, externalId, newName, newConfig, yaml, username, state,
                startTime, endTime);
    }

    Experiment withState(String newState, Instant newEndTime) {
        return new Experiment(id, externalId, name, config, originalConfig, username, newState,
                startTime, newEndTime);
    }
}
