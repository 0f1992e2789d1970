package dev.determinedbatch.storage;

import java.util.Map;

/**
 * A complete checkpoint as Determined describes it.
 *
 * @param uuid      lower-case uuid4 with hyphens
 * @param metadata  the contents of {@code metadata.json}
 * @param resources every file as relative path to size, every sub-directory as
 *                  {@code "rel/dir/"} to 0; {@code metadata.json} included, the root not
 */
public record StoredCheckpoint(String uuid, Map<String, Object> metadata, Map<String, Long> resources) {

    public static final String STEPS_COMPLETED = "steps_completed";

    public StoredCheckpoint {
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
        resources = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(resources));
    }

    public long stepsCompleted() {
        return ((Number) metadata.get(STEPS_COMPLETED)).longValue();
    }
}
