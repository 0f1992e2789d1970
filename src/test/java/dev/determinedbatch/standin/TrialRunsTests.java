package dev.determinedbatch.standin;

import static dev.determinedbatch.standin.MasterCalls.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.testsupport.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class TrialRunsTests {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    private final ManualClock clock = new ManualClock(T0);
    @AutoClose
    private final StandInMaster master = StandInMaster.start(0, clock);
    private final MasterCalls calls = MasterCalls.as(master);

    @Test
    void experimentPutUpsertsOnTheExternalIdAndPostAlwaysCreates() {
        long first = calls.putExperiment("ext-a");
        Map<String, Object> again = calls.ok("PUT", "/api/v1/experiments/by-external-id/ext-a",
                map("config", "name: renamed\ncheckpoint_storage: {type: directory, container_path: /x}\n",
                        "unmanaged", true));
        assertThat(MasterCalls.id(again, "experiment")).isEqualTo(first);
        assertThat(MasterCalls.sub(again, "config")).containsEntry("name", "renamed");
        Experiment stored = master.state().experiment(first);
        assertThat(stored.externalId()).isEqualTo("ext-a");
        assertThat(stored.name()).isEqualTo("renamed");
        assertThat(stored.config()).containsEntry("checkpoint_storage",
                map("type", "directory", "container_path", "/x"));

        Map<String, Object> body = map("config", MasterCalls.CONFIG, "unmanaged", true);
        long a = MasterCalls.id(calls.ok("POST", "/api/v1/experiments", body), "experiment");
        long b = MasterCalls.id(calls.ok("POST", "/api/v1/experiments", body), "experiment");
        assertThat(a).isNotEqualTo(b).isNotEqualTo(first);
        assertThat(master.state().experiments()).hasSize(3);
    }

    @Test
    void trialPutUpsertsOnTheExternalTrialIdWithTaskIdExperimentDotTrial() {
        long experiment = calls.putExperiment("ext-b");
        Map<String, Object> trial = calls.putTrial(experiment, "trial-x");
        Map<String, Object> again = calls.putTrial(experiment, "trial-x");
        assertThat(again.get("id")).isEqualTo(trial.get("id"));
        assertThat(trial.get("taskId")).isEqualTo(experiment + ".trial-x");

        Map<String, Object> body = map("experimentId", experiment, "hparams", map("lr", 0.1), "unmanaged", true);
        Map<String, Object> p1 = MasterCalls.sub(calls.ok("POST", "/api/v1/trials", body), "trial");
        Map<String, Object> p2 = MasterCalls.sub(calls.ok("POST", "/api/v1/trials", body), "trial");
        assertThat(p1.get("id")).isNotEqualTo(p2.get("id"));
        assertThat(p1.get("taskId")).isNotEqualTo(p2.get("taskId")).isNotEqualTo(trial.get("taskId"));
        assertThat(p1.get("hparams")).isEqualTo(map("lr", 0.1));
        assertThat(master.state().trials()).extracting(Trial::externalTrialId)
                .containsExactly("trial-x", null, null);
    }

    @Test
    void unknownExperimentOrTrialIs404() {
        Map<String, Object> body = map("experimentId", 999, "hparams", null, "unmanaged", true);
        assertThat(calls.send("POST", "/api/v1/trials", body).status()).isEqualTo(404);
        assertThat(calls.send("POST", "/api/v1/trials/999/start", map("trialId", 999, "resume", true))
                .status()).isEqualTo(404);
        assertThat(calls.send("PATCH", "/api/v1/trials/999", map("trialId", 999)).status()).isEqualTo(404);
    }

    @Test
    void runIdsIncrementAndLatestCheckpointAppearsFromRunTwo() {
        Map<String, Object> trial = calls.newTrial("ext-c");
        long id = ((Number) trial.get("id")).longValue();
        String task = (String) trial.get("taskId");

        Map<String, Object> run1 = calls.start(id);
        assertThat(run1).containsEntry("trialRunId", 1L).containsEntry("stepsCompleted", 0L)
                .doesNotContainKey("latestCheckpoint");
        calls.reportCheckpoint("00000000-0000-4000-8000-000000000010", task, 10).assertOk();
        calls.reportCheckpoint("00000000-0000-4000-8000-000000000030", task, 30).assertOk();
        calls.reportCheckpoint("00000000-0000-4000-8000-000000000020", task, 20).assertOk();

        Map<String, Object> run2 = calls.start(id);
        assertThat(run2).containsEntry("trialRunId", 2L).containsEntry("stepsCompleted", 30L)
                .containsEntry("latestCheckpoint", "00000000-0000-4000-8000-000000000030");

        calls.ok("DELETE", "/api/v1/checkpoints",
                map("checkpointUuids", List.of("00000000-0000-4000-8000-000000000030")));
        Map<String, Object> run3 = calls.start(id);
        assertThat(run3).containsEntry("trialRunId", 3L).containsEntry("stepsCompleted", 20L)
                .containsEntry("latestCheckpoint", "00000000-0000-4000-8000-000000000020");
        assertThat(master.state().trial(id).runId()).isEqualTo(3);
    }

    @Test
    void runTwoWithoutCheckpointsStartsFromZero() {
        long id = ((Number) calls.newTrial("ext-d").get("id")).longValue();
        calls.start(id);
        assertThat(calls.start(id)).containsEntry("trialRunId", 2L).containsEntry("stepsCompleted", 0L)
                .doesNotContainKey("latestCheckpoint");
    }

    @Test
    void patchSetsStatesHeartbeatsAndEndTimeAndTheExperimentFollows() {
        Map<String, Object> trial = calls.newTrial("ext-e");
        long id = ((Number) trial.get("id")).longValue();
        calls.start(id);
        calls.ok("PATCH", "/api/v1/trials/" + id, map("trialId", id, "state", "STATE_RUNNING"));
        clock.advance(Duration.ofSeconds(60));
        Map<String, Object> beat = calls.ok("PATCH", "/api/v1/trials/" + id, map("trialId", id));
        assertThat(MasterCalls.sub(beat, "trial")).containsEntry("state", "STATE_RUNNING");
        assertThat(master.state().trial(id).lastHeartbeat()).isEqualTo(T0.plusSeconds(60));
        assertThat(master.state().trial(id).endTime()).isNull();

        clock.advance(Duration.ofSeconds(5));
        calls.ok("PATCH", "/api/v1/trials/" + id, map("trialId", id, "state", "STATE_ERROR"));
        Trial ended = master.state().trial(id);
        assertThat(ended.state()).isEqualTo("STATE_ERROR");
        assertThat(ended.endTime()).isEqualTo(T0.plusSeconds(65));
        assertThat(master.state().experiment(ended.experimentId()).state()).isEqualTo("STATE_ERROR");

        MasterCalls.Reply bad = calls.send("PATCH", "/api/v1/trials/" + id, map("trialId", id, "state", "STATE_BOGUS"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).containsEntry("code", 3L);
        assertThat((String) bad.body().get("message")).contains("STATE_BOGUS");
    }

    @Test
    void progressIsKept() {
        long id = ((Number) calls.newTrial("ext-f").get("id")).longValue();
        calls.ok("POST", "/api/v1/trials/" + id + "/progress", map("progress", 0.25, "is_raw", true));
        assertThat(master.state().trial(id).progress()).isEqualTo(0.25);
    }

    @Test
    void runsStartGivesTheSameStorageIdForTheSameConfig() {
        long id = ((Number) calls.newTrial("ext-g").get("id")).longValue();
        Map<String, Object> storage = map("type", "directory", "container_path", "/data/checkpoints");
        Object first = calls.ok("POST", "/api/v1/runs/start", map("runId", id, "checkpointStorage", storage))
                .get("storageId");
        Object again = calls.ok("POST", "/api/v1/runs/start", map("runId", id, "checkpointStorage", storage))
                .get("storageId");
        Object other = calls.ok("POST", "/api/v1/runs/start", map("runId", id, "checkpointStorage",
                map("type", "directory", "container_path", "/elsewhere"))).get("storageId");
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(master.state().storages()).containsEntry(((Number) first).longValue(), storage);
    }

    @Test
    void taskLogsAreKeptPerTask() {
        calls.ok("POST", "/task-logs", List.of(
                map("task_id", "1.a", "timestamp", "2026-01-01T00:00:00+00:00", "rank", "0", "log", "one\n"),
                map("task_id", "1.b", "timestamp", "2026-01-01T00:00:00+00:00", "rank", "0", "log", "other\n"),
                map("task_id", "1.a", "timestamp", "2026-01-01T00:00:00+00:00", "rank", "0", "log", "two\n")));
        assertThat(master.state().taskLogs("1.a")).containsExactly("one", "two");
        assertThat(master.state().taskLogs("1.b")).containsExactly("other");
    }
}
