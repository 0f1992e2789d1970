package dev.determinedbatch.standin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An error answered the way the master's gRPC gateway answers it: an HTTP status and the body
 * {@code {"code": n, "message": "...", "details": []}}, where {@code code} is the gRPC code.
 */
public final class MasterError extends RuntimeException {

    /** gRPC codes the master uses. */
    public static final int INVALID_ARGUMENT = 3;
    public static final int NOT_FOUND = 5;
    public static final int PERMISSION_DENIED = 7;
    public static final int FAILED_PRECONDITION = 9;
    public static final int UNIMPLEMENTED = 12;
    public static final int INTERNAL = 13;
    public static final int UNAVAILABLE = 14;
    public static final int UNAUTHENTICATED = 16;

    private final int status;
    private final int code;

    public MasterError(int status, int code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public static MasterError invalidArgument(String message) {
        return new MasterError(400, INVALID_ARGUMENT, message);
    }

    public static MasterError notFound(String message) {
        return new MasterError(404, NOT_FOUND, message);
    }

    /** The gateway maps FailedPrecondition to 400, like InvalidArgument. */
    public static MasterError failedPrecondition(String message) {
        return new MasterError(400, FAILED_PRECONDITION, message);
    }

    public static MasterError unauthenticated(String message) {
        return new MasterError(401, UNAUTHENTICATED, message);
    }

    /** An injected failure: the gRPC code the gateway would have mapped to this status. */
    public static MasterError forStatus(int status, String message) {
        int code = switch (status) {
            case 400 -> INVALID_ARGUMENT;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> NOT_FOUND;
            case 405, 501 -> UNIMPLEMENTED;
            case 502, 503, 504 -> UNAVAILABLE;
            case 500 -> INTERNAL;
            default -> 2; // Unknown
        };
        return new MasterError(status, code, message);
    }

    public int status() {
        return status;
    }

    public int code() {
        return code;
    }

    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", getMessage());
        body.put("details", List.of());
        return body;
    }
}
