package dev.determinedbatch.standin;

import static dev.determinedbatch.standin.MasterCalls.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks every answer against the fields PROTOCOL.md says the Python client requires, read from
 * the protocol text itself (section "Response shapes"), so the two cannot drift apart.
 */
class ResponseShapeTests {

    private static final Path PROTOCOL = Path.of("src/test/resources/protocol/PROTOCOL.md");
    private static final String SECTION = "## Response shapes";
    private static final Pattern SEGMENT = Pattern.compile("(optional\\s+)?`([^`]*)`");

    /** One bullet: a call, the fields its answer must have, those it may have. */
    record Shape(String call, List<String> required, List<String> optional, boolean emptyObject) {
    }

    @AutoClose
    private final StandInMaster master = StandInMaster.start();
    private final MasterCalls calls = MasterCalls.as(master);

    static List<Shape> shapes() throws IOException {
        List<Shape> shapes = new ArrayList<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(PROTOCOL, StandardCharsets.UTF_8)) {
            if (line.startsWith("## ")) {
                inSection = line.startsWith(SECTION);
            } else if (inSection && line.startsWith("- ")) {
                shapes.add(shape(line.substring(2)));
            }
        }
        return shapes;
    }

    /** "start trial: `trialRunId, stepsCompleted`, optional `latestCheckpoint`" */
    static Shape shape(String bullet) {
        int colon = bullet.indexOf(": ");
        List<String> required = new ArrayList<>();
        List<String> optional = new ArrayList<>();
        boolean empty = false;
        Matcher m = SEGMENT.matcher(bullet.substring(colon + 2));
        while (m.find()) {
            if (m.group(2).trim().equals("{}")) {
                empty = true;
                continue;
            }
            for (String item : topLevelItems(m.group(2))) {
                (m.group(1) != null ? optional : required).addAll(paths(item.trim()));
            }
        }
        return new Shape(bullet.substring(0, colon), required, optional, empty);
    }

    /** "a, b{c, d}" -> ["a", "b{c, d}"] */
    private static List<String> topLevelItems(String text) {
        List<String> items = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            if (c == ',' && depth == 0) {
                items.add(text.substring(start, i));
                start = i + 1;
            }
        }
        items.add(text.substring(start));
        return items;
    }

    /** "b{c, d}" -> ["b", "b.c", "b.d"] */
    private static List<String> paths(String item) {
        int brace = item.indexOf('{');
        if (brace < 0) {
            return List.of(item);
        }
        String parent = item.substring(0, brace).trim();
        List<String> out = new ArrayList<>(List.of(parent));
        for (String child : topLevelItems(item.substring(brace + 1, item.lastIndexOf('}')))) {
            paths(child.trim()).forEach(p -> out.add(parent + "." + p));
        }
        return out;
    }

    @Test
    void theProtocolSectionIsReadAsExpected() throws IOException {
        List<Shape> shapes = shapes();
        assertThat(shapes).extracting(Shape::call).contains("login", "master", "start trial");
        Shape login = shapes.stream().filter(s -> s.call().equals("login")).findFirst().orElseThrow();
        assertThat(login.required()).containsExactly("token", "user", "user.active", "user.admin", "user.username");
        Shape start = shapes.stream().filter(s -> s.call().equals("start trial")).findFirst().orElseThrow();
        assertThat(start.optional()).containsExactly("latestCheckpoint");
    }

    @TestFactory
    Stream<DynamicTest> everyAnswerHasTheFieldsTheClientRequires() throws IOException {
        List<Shape> shapes = shapes();
        assertThat(shapes).hasSizeGreaterThanOrEqualTo(7);
        return shapes.stream().map(shape -> DynamicTest.dynamicTest(shape.call(), () -> {
            List<Map<String, Object>> answers = answersFor(shape.call()).get();
            assertThat(answers).as("answers for %s", shape.call()).isNotEmpty();
            for (Map<String, Object> answer : answers) {
                for (String path : shape.required()) {
                    assertThat(has(answer, path)).as("%s in %s answer %s", path, shape.call(), answer).isTrue();
                }
                if (shape.emptyObject()) {
                    assertThat(answer).as("%s answer", shape.call()).isEmpty();
                }
            }
            for (String path : shape.optional()) {
                assertThat(answers.stream().anyMatch(a -> has(a, path)))
                        .as("optional %s given by some %s answer", path, shape.call()).isTrue();
            }
        }));
    }

    private static boolean has(Map<String, Object> answer, String path) {
        Object node = answer;
        for (String key : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(key)) {
                return false;
            }
            node = map.get(key);
        }
        return true;
    }

    /**
     * Drives the stand-in through the calls a bullet names (the dynamic tests share one stand-in,
     * so each uses its own experiment); an unknown name fails the test.
     */
    private Supplier<List<Map<String, Object>>> answersFor(String call) {
        return switch (call) {
            case "login" -> () -> List.of(calls.login("determined", "").assertOk().body());
            case "experiment create/put" -> () -> List.of(
                    calls.ok("POST", "/api/v1/experiments", map("config", MasterCalls.CONFIG, "unmanaged", true)),
                    calls.ok("PUT", "/api/v1/experiments/by-external-id/shape",
                            map("config", MasterCalls.CONFIG, "unmanaged", true)));
            case "trial create/put/patch" -> () -> {
                long experiment = calls.putExperiment("shape-trials");
                Map<String, Object> put = calls.ok("PUT", "/api/v1/trials", map("createTrialRequest",
                        map("experimentId", experiment, "hparams", null, "unmanaged", true), "externalTrialId", "t"));
                Map<String, Object> post = calls.ok("POST", "/api/v1/trials",
                        map("experimentId", experiment, "hparams", map("lr", 0.1), "unmanaged", true));
                long id = MasterCalls.id(put, "trial");
                Map<String, Object> patch = calls.ok("PATCH", "/api/v1/trials/" + id,
                        map("trialId", id, "state", "STATE_RUNNING"));
                return List.of(put, post, patch);
            };
            case "master" -> () -> List.of(calls.ok("GET", "/api/v1/master", null));
            case "start trial" -> () -> {
                Map<String, Object> trial = calls.newTrial("shape-start");
                long id = ((Number) trial.get("id")).longValue();
                Map<String, Object> run1 = calls.start(id);
                calls.reportCheckpoint("00000000-0000-4000-8000-000000000001", (String) trial.get("taskId"), 3)
                        .assertOk();
                return List.of(run1, calls.start(id));
            };
            case "runs/start" -> () -> {
                long id = ((Number) calls.newTrial("shape-runs").get("id")).longValue();
                return List.of(calls.ok("POST", "/api/v1/runs/start", map("runId", id,
                        "checkpointStorage", map("type", "directory", "container_path", "/data"))));
            };
            case "metrics, checkpoints" -> () -> {
                Map<String, Object> trial = calls.newTrial("shape-metrics");
                long id = ((Number) trial.get("id")).longValue();
                calls.start(id);
                return List.of(calls.reportMetrics(id, 1, "training", 1, map("loss", 1.0)).assertOk().body(),
                        calls.reportCheckpoint("00000000-0000-4000-8000-000000000002",
                                (String) trial.get("taskId"), 1).assertOk().body());
            };
            default -> throw new AssertionError("PROTOCOL.md names a call this test does not drive: " + call);
        };
    }
}
