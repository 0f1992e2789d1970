package dev.determinedbatch.standin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Login, the caller, the master's own info, experiments and task logs. */
final class MasterApi {

    static final String VERSION = "0.38.1";
    static final String CLUSTER_ID = "5a1e7c0d-57a9-4d1e-9a57-000000000001";
    static final String MASTER_ID = "5a1e7c0d-57a9-4d1e-9a57-000000000002";

    private final MasterState state;

    private MasterApi(MasterState state) {
        this.state = state;
    }

    static void register(Router router, MasterState state) {
        MasterApi api = new MasterApi(state);
        router.addPublic("POST", "/api/v1/auth/login", api::login)
                .add("GET", "/api/v1/me", call -> Map.of("user", Views.user(call.user())))
                .add("GET", "/api/v1/master", call -> master())
                .add("PUT", "/api/v1/experiments/by-external-id/([^/]+)", api::putExperiment)
                .add("POST", "/api/v1/experiments", api::createExperiment)
                // the master's own log route, outside /api/v1: no token needed, answered with the JSON string ""
                .addPublic("POST", "/task-logs", api::taskLogs);
    }

    private Object login(Call call) {
        Map<String, Object> body = call.body();
        String username = Fields.string(body, "username");
        Object password = body.getOrDefault("password", "");
        if (!(password instanceof String plain)) {
            throw MasterError.invalidArgument("password must be a string");
        }
        boolean hashed = Boolean.TRUE.equals(body.get("isHashed"));
        String token = state.users().login(username, plain, hashed);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", token);
        out.put("user", Views.user(state.users().user(username)));
        return out;
    }

    private static Object master() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clusterId", CLUSTER_ID);
        out.put("clusterName", "determined-stand-in");
        out.put("hasCustomLogo", false);
        out.put("masterId", MASTER_ID);
        out.put("strictJobQueueControl", false);
        out.put("version", VERSION);
        return out;
    }

    private Object putExperiment(Call call) {
        String yaml = unmanagedConfig(call.body());
        return experimentResponse(state.putExperiment(call.param(1), yaml, call.user().username()));
    }

    private Object createExperiment(Call call) {
        String yaml = unmanagedConfig(call.body());
        return experimentResponse(state.createExperiment(yaml, call.user().username()));
    }

    private static String unmanagedConfig(Map<String, Object> body) {
        String yaml = Fields.string(body, "config");
        if (!Boolean.TRUE.equals(body.get("unmanaged"))) {
            throw MasterError.invalidArgument("only unmanaged experiments are supported");
        }
        return yaml;
    }

    private Object experimentResponse(Experiment e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", Views.experiment(e, state.numTrials(e.id())));
        out.put("config", e.config());
        return out;
    }

    /** A JSON array of {task_id, timestamp, rank, log}; lines are kept per task. */
    private Object taskLogs(Call call) {
        if (!(call.json() instanceof List<?> entries)) {
            throw MasterError.invalidArgument("task logs must be a JSON array");
        }
        for (Object entry : entries) {
            Map<String, Object> log = Fields.asObject(entry, "task log entry");
            String taskId = Fields.string(log, "task_id");
            String line = Fields.string(log, "log");
            state.appendTaskLog(taskId, line.endsWith("\n") ? line.substring(0, line.length() - 1) : line);
        }
        return "";
    }
}
