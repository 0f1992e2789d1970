package dev.determinedbatch.standin;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checkpoint reports, look-ups, listings and deletion. */
final class CheckpointApi {

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Set<String> STATES = Set.of("STATE_UNSPECIFIED", "STATE_ACTIVE",
            "STATE_COMPLETED", "STATE_ERROR", "STATE_DELETED", "STATE_PARTIALLY_DELETED");

    private final MasterState state;

    private CheckpointApi(MasterState state) {
        this.state = state;
    }

    static void register(Router router, MasterState state) {
        CheckpointApi api = new CheckpointApi(state);
        router.add("POST", "/api/v1/checkpoints", api::report)
                .add("GET", "/api/v1/checkpoints/([^/]+)", api::get)
                .add("GET", "/api/v1/trials/([^/]+)/checkpoints", api::list)
                .add("DELETE", "/api/v1/checkpoints", api::delete);
    }

    /** The bare checkpoint: only COMPLETED (or no state) may be reported. */
    private Object report(Call call) {
        Map<String, Object> body = call.body();
        String uuid = Fields.string(body, "uuid");
        if (!UUID.matcher(uuid).matches()) {
            throw MasterError.invalidArgument("invalid checkpoint uuid: " + uuid);
        }
        String reportedState = Fields.optionalString(body, "state");
        if (reportedState != null && !reportedState.equals("STATE_COMPLETED")
                && !reportedState.equals("STATE_UNSPECIFIED")) {
            throw MasterError.invalidArgument("only COMPLETED checkpoints may be reported, got "
                    + reportedState);
        }
        Object metadata = body.get("metadata");
        Map<String, Object> meta = metadata == null ? Map.of() : Fields.asObject(metadata, "metadata");
        Map<String, Long> resources = new LinkedHashMap<>();
        Map<String, Object> given = Fields.optionalObject(body, "resources");
        if (given != null) {
            given.forEach((path, size) -> resources.put(path, Fields.toLong(size, "resources." + path)));
        }
        state.reportCheckpoint(uuid, Fields.string(body, "taskId"),
                Fields.optionalString(body, "allocationId"), meta, resources,
                Fields.optionalInt64(body, "storageId"),
                TrialApi.time(Fields.optionalString(body, "reportTime")));
        return Map.of();
    }

    private Object get(Call call) {
        String uuid = call.param(1);
        Checkpoint c = state.findCheckpoint(uuid)
                .orElseThrow(() -> MasterError.notFound("checkpoint " + uuid + " not found"));
        return Map.of("checkpoint", Views.checkpoint(c, state.trial(c.trialId())));
    }

    /** Query: sortByAttr, orderBy, states (repeated), offset, limit (0: all). */
    private Object list(Call call) {
        long trialId = call.longParam(1);
        List<String> states = call.queryAll("states");
        states.stream().filter(s -> !STATES.contains(s)).findFirst().ifPresent(s -> {
            throw MasterError.invalidArgument("invalid checkpoint state: " + s);
        });
        List<Checkpoint> all = state.checkpoints(trialId).stream()
                .filter(c -> states.isEmpty() || states.contains(c.state()))
                .sorted(order(call.query("sortByAttr"), call.query("orderBy")))
                .toList();
        int offset = (int) number(call.query("offset"), "offset");
        int limit = (int) number(call.query("limit"), "limit");
        int start = Math.min(offset, all.size());
        int end = limit == 0 ? all.size() : Math.min(start + limit, all.size());
        Trial trial = state.trial(trialId);
        Map<String, Object> pagination = new LinkedHashMap<>();
        pagination.put("offset", offset);
        pagination.put("limit", limit);
        pagination.put("startIndex", start);
        pagination.put("endIndex", end);
        pagination.put("total", all.size());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("checkpoints", all.subList(start, end).stream()
                .map(c -> Views.checkpoint(c, trial)).toList());
        out.put("pagination", pagination);
        return out;
    }

    private static Comparator<Checkpoint> order(String sortBy, String orderBy) {
        Comparator<Checkpoint> by = switch (sortBy == null ? "SORT_BY_UNSPECIFIED" : sortBy) {
            case "SORT_BY_UNSPECIFIED", "SORT_BY_END_TIME" -> Comparator.comparing(Checkpoint::reportTime);
            case "SORT_BY_UUID" -> Comparator.comparing(Checkpoint::uuid);
            case "SORT_BY_STATE" -> Comparator.comparing(Checkpoint::state);
            case "SORT_BY_BATCH_NUMBER" -> Comparator.comparingLong(Checkpoint::stepsCompleted);
            case "SORT_BY_TRIAL_ID" -> Comparator.comparingLong(Checkpoint::trialId);
            default -> throw MasterError.invalidArgument("unsupported sortByAttr: " + sortBy);
        };
        return switch (orderBy == null ? "ORDER_BY_UNSPECIFIED" : orderBy) {
            case "ORDER_BY_UNSPECIFIED", "ORDER_BY_ASC" -> by;
            case "ORDER_BY_DESC" -> by.reversed();
            default -> throw MasterError.invalidArgument("invalid orderBy: " + orderBy);
        };
    }

    private static long number(String text, String name) {
        long n = text == null || text.isEmpty() ? 0 : Fields.toLong(text, name);
        if (n < 0) {
            throw MasterError.invalidArgument(name + " must not be negative");
        }
        return n;
    }

    private Object delete(Call call) {
        List<Object> uuids = Fields.optionalList(call.body(), "checkpointUuids");
        if (uuids == null) {
            throw MasterError.invalidArgument("missing field checkpointUuids");
        }
        state.deleteCheckpoints(uuids.stream().map(String::valueOf).toList());
        return Map.of();
    }
}
