package dev.determinedbatch.standin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.json.JsonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Replays what the real Python client sent (src/test/resources/golden) byte for byte, except
 * for the ids, which become the ones the stand-in handed out in the same replay.
 */
class GoldenReplayTests {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final String RUN1_CHECKPOINT = "00944a54-7c2e-4402-8e77-88a7e8988b22";

    @AutoClose
    private final StandInMaster master = StandInMaster.start();

    /** One recorded request. */
    record Golden(String method, String path, String body) {
    }

    /** Replays recorded requests, carrying the ids the stand-in answers into later requests. */
    final class Replay {
        private final MasterCalls calls = MasterCalls.as(master);
        private final List<MasterCalls.Reply> replies = new ArrayList<>();
        private Object experimentId;
        private Object trialId;
        private String taskId;
        private Object trialRunId;
        private Object storageId;

        List<MasterCalls.Reply> run(String file) throws IOException, InterruptedException {
            for (Golden g : read(file)) {
                String path = g.path().replaceAll("/trials/22(?=/|$)", "/trials/" + trialId);
                MasterCalls.Reply reply = calls.sendRaw(g.method(), path, g.body().isEmpty() ? null : ids(g.body()));
                assertThat(reply.status()).as("%s %s -> %s", g.method(), path, reply.json()).isBetween(200, 299);
                capture(reply.body());
                replies.add(reply);
            }
            return replies;
        }

        private String ids(String body) {
            body = replace(body, "\"experimentId\": 11(?=[,}])", m -> "\"experimentId\": " + experimentId);
            body = replace(body, "\"(trialId|runId)\": 22(?=[,}])", m -> "\"" + m.group(1) + "\": " + trialId);
            body = replace(body, "\"trialRunId\": \\d+(?=[,}])", m -> "\"trialRunId\": " + trialRunId);
            body = replace(body, "\"storageId\": 7(?=[,}])", m -> "\"storageId\": " + storageId);
            return replace(body, "\"(taskId|task_id)\": \"11\\.my-trial\"",
                    m -> "\"" + m.group(1) + "\": \"" + taskId + "\"");
        }

        private static String replace(String text, String regex, Function<MatchResult, String> to) {
            return Pattern.compile(regex).matcher(text).replaceAll(m -> Matcher.quoteReplacement(to.apply(m)));
        }

        private void capture(Map<String, Object> body) {
            if (body == null) {
                return;
            }
            if (body.get("experiment") instanceof Map<?, ?> e) {
                experimentId = e.get("id");
            }
            if (body.get("trial") instanceof Map<?, ?> t) {
                trialId = t.get("id");
                taskId = (String) t.get("taskId");
            }
            if (body.containsKey("trialRunId")) {
                trialRunId = body.get("trialRunId");
            }
            if (body.containsKey("storageId")) {
                storageId = body.get("storageId");
            }
        }

        long trialId() {
            return ((Number) trialId).longValue();
        }
    }

    static List<Golden> read(String file) throws IOException {
        List<Golden> out = new ArrayList<>();
        for (String line : Files.readAllLines(GOLDEN.resolve(file), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                Map<String, Object> r = JsonText.readJsonObject(line);
                out.add(new Golden((String) r.get("method"), (String) r.get("path"), (String) r.get("body")));
            }
        }
        return out;
    }

    @Test
    void everyGoldenFileIsCovered() throws IOException {
        try (var files = Files.list(GOLDEN)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("login.jsonl", "run1.jsonl", "run2_resume.jsonl",
                            "run3_noext.jsonl", "run4_error.jsonl");
        }
    }

    @Test
    void login() throws IOException, InterruptedException {
        master.addUser("determined", "secretPW1");
        Golden g = read("login.jsonl").get(0);
        MasterCalls.Reply reply = new MasterCalls(master.url(), null).sendRaw(g.method(), g.path(), g.body());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).containsKeys("token", "user");
    }

    @Test
    void run1() throws IOException, InterruptedException {
        Replay replay = new Replay();
        replay.run("run1.jsonl");
        Trial trial = master.state().trial(replay.trialId());
        assertThat(trial.state()).isEqualTo("STATE_COMPLETED");
        assertThat(trial.endTime()).isNotNull();
        assertThat(master.state().metrics(trial.id())).extracting(MetricReport::group)
                .containsExactly("training", "validation");
        Checkpoint checkpoint = master.state().findCheckpoint(RUN1_CHECKPOINT).orElseThrow();
        assertThat(checkpoint.metadata()).containsEntry("note", "h\u00e9llo");
        assertThat(checkpoint.resources()).containsEntry("emptydir/", 0L).containsEntry("sub/w.bin", 10L);
        assertThat(master.state().taskLogs(trial.taskId()))
                .containsExactly("latest_checkpoint: None", "stored " + RUN1_CHECKPOINT);
    }

    @Test
    void run2ResumesFromRun1() throws IOException, InterruptedException {
        new Replay().run("run1.jsonl");
        Replay resume = new Replay();
        List<MasterCalls.Reply> replies = resume.run("run2_resume.jsonl");
        Map<String, Object> start = replies.get(4).body();
        assertThat(start).containsEntry("trialRunId", 2L).containsEntry("stepsCompleted", 1L)
                .containsEntry("latestCheckpoint", RUN1_CHECKPOINT);
        assertThat(master.state().trials()).hasSize(1);
        assertThat(master.state().experiments()).hasSize(1);
        assertThat(master.state().metrics(resume.trialId())).extracting(MetricReport::trialRunId)
                .containsExactly(1, 1, 2, 2);
        assertThat(master.state().checkpoints(resume.trialId())).hasSize(2);
    }

    @Test
    void run3WithoutExternalIds() throws IOException, InterruptedException {
        Replay replay = new Replay();
        replay.run("run3_noext.jsonl");
        Trial trial = master.state().trial(replay.trialId());
        assertThat(trial.hparams()).containsEntry("lr", 0.001).containsEntry("layers", List.of(1L, 2L));
        assertThat(trial.progress()).isEqualTo(0.5);
        assertThat(master.state().experiment(trial.experimentId()).config())
                .containsEntry("description", "desc: with colon").containsEntry("labels", List.of("a", "b"));
        assertThat(master.state().metrics(trial.id()).get(0).avgMetrics())
                .containsEntry("loss", "NaN").containsEntry("x", "Infinity").containsEntry("n", null);
    }

    @Test
    void run4EndsInError() throws IOException, InterruptedException {
        Replay replay = new Replay();
        replay.run("run4_error.jsonl");
        Trial trial = master.state().trial(replay.trialId());
        assertThat(trial.state()).isEqualTo("STATE_ERROR");
        assertThat(master.state().experiment(trial.experimentId()).state()).isEqualTo("STATE_ERROR");
        assertThat(master.state().taskLogs(trial.taskId())).hasSize(5).last().isEqualTo("Trial reached an ERROR state: boom");
    }
}
