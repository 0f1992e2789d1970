package dev.determinedbatch.it;

import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.standin.Trial;
import java.time.Duration;

/** The trials the stand-in master holds, as the ITs look them up by external trial id. */
final class StandInTrials {

    private StandInTrials() {
    }

    /**
     * The trial once the master has seen it reach {@code state}. JBeret shows an execution ended
     * before its job listener has closed the trial, which flushes the metrics first: only the
     * trial's state tells that everything has arrived.
     */
    static Trial await(StandInMaster master, String externalTrialId, String state) throws InterruptedException {
        master.awaitRequest(r -> master.state().trials().stream()
                        .anyMatch(t -> externalTrialId.equals(t.externalTrialId()) && state.equals(t.state())),
                Duration.ofSeconds(60))
                .orElseThrow(() -> new AssertionError("trial " + externalTrialId + " never reached " + state));
        return find(master, externalTrialId);
    }

    static Trial find(StandInMaster master, String externalTrialId) {
        return master.state().trials().stream().filter(t -> externalTrialId.equals(t.externalTrialId()))
                .findFirst().orElseThrow(() -> new AssertionError("no trial " + externalTrialId));
    }

    /** Waits (bounded) for the next checkpoint report the master receives; fails with {@code otherwise}. */
    static void awaitCheckpointReport(StandInMaster master, Duration limit, String otherwise) throws InterruptedException {
        master.awaitRequest(r -> r.method().equals("POST") && r.path().equals("/api/v1/checkpoints"), limit)
                .orElseThrow(() -> new AssertionError(otherwise));
    }
}
