package dev.determinedbatch.client.master;

import dev.determinedbatch.json.JsonFields;

/**
 * The answers the client reads, one record per call, each with the fields it uses
 * (PROTOCOL.md, "Response shapes"). {@code from} fails naming the field that is missing or of
 * the wrong type; {@link MasterConnection} adds the call. int64 fields travel as JSON strings
 * (proto3), int32 as numbers: {@link JsonFields#int64} takes either.
 */
public sealed interface MasterAnswer {

    /** {@code POST /api/v1/auth/login}: {@code token}. */
    record Login(String token) implements MasterAnswer {
        static Login from(JsonFields answer) {
            String token = answer.string("token");
            if (token.isEmpty()) {
                throw new JsonFields.JsonFieldException(answer.where() + ": field 'token' is empty");
            }
            return new Login(token);
        }
    }

    /** {@code GET /api/v1/me}: the user a token belongs to. */
    record Me(String username) implements MasterAnswer {
        static Me from(JsonFields answer) {
            return new Me(answer.optionalObject("user").map(user -> user.optionalString("username")).orElse(null));
        }
    }

    /** {@code GET /api/v1/master}: {@code clusterId}, which names the master for good (may be absent). */
    record MasterInfo(String clusterId) implements MasterAnswer {
        static MasterInfo from(JsonFields answer) {
            Object clusterId = answer.value("clusterId");
            return new MasterInfo(clusterId == null ? null : answer.string("clusterId"));
        }
    }

    /** Experiment create or put: {@code experiment.id}. */
    record Experiment(long id) implements MasterAnswer {
        static Experiment from(JsonFields answer) {
            return new Experiment(answer.object("experiment").int64("id"));
        }
    }

    /** Trial create or put: {@code trial.id}, {@code trial.taskId}. */
    record Trial(long id, String taskId) implements MasterAnswer {
        static Trial from(JsonFields answer) {
            JsonFields trial = answer.object("trial");
            return new Trial(trial.int64("id"), trial.string("taskId"));
        }
    }

    /**
     * {@code POST /api/v1/trials/{T}/start}: the run id; from the second run on, the latest
     * checkpoint and its steps.
     */
    record TrialStarted(int trialRunId, long stepsCompleted, String latestCheckpoint) implements MasterAnswer {
        static TrialStarted from(JsonFields answer) {
            Long steps = answer.optionalInt64("stepsCompleted");
            return new TrialStarted(answer.intValue("trialRunId"), steps == null ? 0 : steps,
                    answer.optionalString("latestCheckpoint"));
        }
    }

    /** {@code POST /api/v1/runs/start}: {@code storageId}, absent on older masters. */
    record RunStarted(Long storageId) implements MasterAnswer {
        static RunStarted from(JsonFields answer) {
            return new RunStarted(answer.optionalInt64("storageId"));
        }
    }

    /** {@code GET /api/v1/checkpoints/{uuid}}: {@code checkpoint.uuid} and {@code checkpoint.state}. */
    record Checkpoint(String uuid, String state) implements MasterAnswer {
        static Checkpoint from(JsonFields answer) {
            JsonFields checkpoint = answer.object("checkpoint");
            return new Checkpoint(checkpoint.string("uuid"), checkpoint.optionalString("state"));
        }

        boolean isCompleted() {
            return "STATE_COMPLETED".equals(state);
        }
    }

    /** An error's body, {@code {"code": n, "message": "...", "details": []}}: its message. */
    record Error(String message) implements MasterAnswer {
        static Error from(JsonFields answer) {
            return new Error(answer.optionalString("message"));
        }
    }
}
