package dev.determinedbatch.standin;

import static dev.determinedbatch.standin.MasterCalls.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CheckpointTests {

    private static final String A = "00000000-0000-4000-8000-00000000000a";
    private static final String B = "00000000-0000-4000-8000-00000000000b";
    private static final String C = "00000000-0000-4000-8000-00000000000c";

    @AutoClose
    private final StandInMaster master = StandInMaster.start();
    private final MasterCalls calls = MasterCalls.as(master);
    private long trial;
    private String task;

    @BeforeEach
    void start() {
        Map<String, Object> t = calls.newTrial("ckpt-exp");
        trial = ((Number) t.get("id")).longValue();
        task = (String) t.get("taskId");
        calls.start(trial);
    }

    private void report(String uuid, long steps, String reportTime) {
        Map<String, Object> body = MasterCalls.checkpoint(uuid, task, steps);
        body.put("reportTime", reportTime);
        calls.ok("POST", "/api/v1/checkpoints", body);
    }

    @Test
    void aReportedCheckpointIsStoredAndCanBeFetched() {
        calls.reportCheckpoint(A, task, 7).assertOk();
        Checkpoint stored = master.state().findCheckpoint(A).orElseThrow();
        assertThat(stored.trialId()).isEqualTo(trial);
        assertThat(stored.taskId()).isEqualTo(task);
        assertThat(stored.stepsCompleted()).isEqualTo(7);
        assertThat(stored.resources()).containsEntry("metadata.json", 28L).containsEntry("state", 4L);
        assertThat(stored.state()).isEqualTo("STATE_COMPLETED");
        assertThat(stored.reportTime()).hasToString("2026-11-29T13:38:34.901535Z");

        Map<String, Object> fetched = MasterCalls.sub(calls.ok("GET", "/api/v1/checkpoints/" + A, null), "checkpoint");
        assertThat(fetched).containsEntry("uuid", A).containsEntry("taskId", task)
                .containsEntry("state", "STATE_COMPLETED").containsEntry("metadata", map("steps_completed", 7L))
                .containsEntry("resources", map("metadata.json", "28", "state", "4"));
        assertThat(MasterCalls.sub(fetched, "training")).containsEntry("trialId", trial);
        assertThat(calls.get("/api/v1/checkpoints/" + B).status()).isEqualTo(404);
    }

    @Test
    void theSameCheckpointAgainIsAcceptedAndADifferentOneWithItsUuidIsRefused() {
        calls.reportCheckpoint(A, task, 7).assertOk();
        calls.reportCheckpoint(A, task, 7).assertOk();
        MasterCalls.Reply conflict = calls.reportCheckpoint(A, task, 8);
        assertThat(conflict.status()).isEqualTo(400);
        assertThat(conflict.body()).containsEntry("code", 9L);
        assertThat((String) conflict.body().get("message")).contains(A);
        assertThat(master.state().checkpoints()).hasSize(1);
        assertThat(master.state().findCheckpoint(A).orElseThrow().stepsCompleted()).isEqualTo(7);
    }

    @Test
    void onlyCompletedOrUnspecifiedStatesValidUuidsAndObjectMetadataAreAccepted() {
        Map<String, Object> noState = MasterCalls.checkpoint(A, task, 1);
        noState.remove("state");
        calls.ok("POST", "/api/v1/checkpoints", noState);
        assertThat(master.state().findCheckpoint(A).orElseThrow().state()).isEqualTo("STATE_COMPLETED");

        Map<String, Object> active = MasterCalls.checkpoint(B, task, 1);
        active.put("state", "STATE_ACTIVE");
        assertThat(calls.send("POST", "/api/v1/checkpoints", active).status()).isEqualTo(400);

        Map<String, Object> badUuid = MasterCalls.checkpoint("not-a-uuid", task, 1);
        assertThat(calls.send("POST", "/api/v1/checkpoints", badUuid).status()).isEqualTo(400);

        Map<String, Object> listMetadata = MasterCalls.checkpoint(C, task, 1);
        listMetadata.put("metadata", List.of(1));
        assertThat(calls.send("POST", "/api/v1/checkpoints", listMetadata).status()).isEqualTo(400);

        assertThat(calls.reportCheckpoint(C, "no.such-task", 1).status()).isEqualTo(404);
        assertThat(master.state().checkpoints()).extracting(Checkpoint::uuid).containsExactly(A);
    }

    @Test
    void listingSortsOrdersFiltersAndPages() {
        report(B, 20, "2026-01-01T00:00:02+00:00");
        report(A, 30, "2026-01-01T00:00:03+00:00");
        report(C, 10, "2026-01-01T00:00:01+00:00");

        assertThat(uuids("")).containsExactly(C, B, A);
        assertThat(uuids("?sortByAttr=SORT_BY_UUID&orderBy=ORDER_BY_ASC")).containsExactly(A, B, C);
        assertThat(uuids("?sortByAttr=SORT_BY_END_TIME&orderBy=ORDER_BY_DESC")).containsExactly(A, B, C);
        assertThat(uuids("?sortByAttr=SORT_BY_BATCH_NUMBER&orderBy=ORDER_BY_DESC&limit=2")).containsExactly(A, B);

        Map<String, Object> page = calls.ok("GET", "/api/v1/trials/" + trial
                + "/checkpoints?sortByAttr=SORT_BY_UUID&orderBy=ORDER_BY_DESC&offset=1&limit=1", null);
        assertThat(ids(page)).containsExactly(B);
        assertThat(MasterCalls.sub(page, "pagination")).containsEntry("offset", 1L).containsEntry("limit", 1L)
                .containsEntry("total", 3L).containsEntry("startIndex", 1L).containsEntry("endIndex", 2L);

        calls.ok("DELETE", "/api/v1/checkpoints", map("checkpointUuids", List.of(A, C)));
        assertThat(master.state().findCheckpoint(A).orElseThrow().state()).isEqualTo("STATE_DELETED");
        // by state, ties in report order (B, A, C)
        assertThat(uuids("?sortByAttr=SORT_BY_STATE")).containsExactly(B, A, C);
        assertThat(uuids("?states=STATE_COMPLETED")).containsExactly(B);
        assertThat(uuids("?states=STATE_DELETED&sortByAttr=SORT_BY_UUID")).containsExactly(A, C);

        assertThat(calls.get("/api/v1/trials/" + trial + "/checkpoints?sortByAttr=SORT_BY_NOTHING").status())
                .isEqualTo(400);
        assertThat(calls.get("/api/v1/trials/999/checkpoints").status()).isEqualTo(404);
    }

    @Test
    void deletingAnUnknownUuidChangesNothing() {
        calls.reportCheckpoint(A, task, 1).assertOk();
        MasterCalls.Reply reply = calls.send("DELETE", "/api/v1/checkpoints", map("checkpointUuids", List.of(A, B)));
        assertThat(reply.status()).isEqualTo(404);
        assertThat((String) reply.body().get("message")).contains(B);
        assertThat(master.state().findCheckpoint(A).orElseThrow().state()).isEqualTo("STATE_COMPLETED");
    }

    private List<Object> uuids(String query) {
        return ids(calls.ok("GET", "/api/v1/trials/" + trial + "/checkpoints" + query, null));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> ids(Map<String, Object> page) {
        return ((List<Map<String, Object>>) page.get("checkpoints")).stream()
                .map(c -> c.get("uuid")).toList();
    }
}
