package dev.determinedbatch.standin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reported checkpoints by uuid, in report order. Not thread-safe: {@link MasterState} guards it. */
final class CheckpointTable {

    static final String COMPLETED = "STATE_COMPLETED";
    static final String DELETED = "STATE_DELETED";

    private final Map<String, Checkpoint> byUuid = new LinkedHashMap<>();

    /** Adds a checkpoint; the same one again is a harmless retry, a different one a conflict. */
    void add(Checkpoint checkpoint) {
        Checkpoint existing = byUuid.get(checkpoint.uuid());
        if (existing == null) {
            byUuid.put(checkpoint.uuid(), checkpoint);
        } else if (!existing.sameContent(checkpoint)) {
            throw MasterError.failedPrecondition("checkpoint " + checkpoint.uuid()
                    + " already exists with different content");
        }
    }

    Optional<Checkpoint> get(String uuid) {
        return Optional.ofNullable(byUuid.get(uuid));
    }

    List<Checkpoint> forTrial(long trialId) {
        return byUuid.values().stream().filter(c -> c.trialId() == trialId).toList();
    }

    /** The COMPLETED checkpoint with the most steps; of equal ones, the last reported. */
    Optional<Checkpoint> latestCompleted(long trialId) {
        return forTrial(trialId).stream()
                .filter(c -> COMPLETED.equals(c.state()))
                .reduce((a, b) -> b.stepsCompleted() >= a.stepsCompleted() ? b : a);
    }

    /** Marks checkpoints deleted; refuses all of them when one is unknown. */
    void delete(List<String> uuids) {
        List<String> missing = new ArrayList<>(uuids);
        missing.removeAll(byUuid.keySet());
        if (!missing.isEmpty()) {
            throw MasterError.notFound("checkpoints not found: " + missing);
        }
        uuids.forEach(uuid -> byUuid.computeIfPresent(uuid, (k, c) -> c.withState(DELETED)));
    }

    List<Checkpoint> all() {
        return List.copyOf(byUuid.values());
    }
}
