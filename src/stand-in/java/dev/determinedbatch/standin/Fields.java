package dev.determinedbatch.standin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of parsed JSON request bodies. A wrong or missing field is the client's fault, so
 * every failure is a 400 naming the field. int64 fields may arrive as JSON strings (proto3 JSON).
 */
final class Fields {

    private Fields() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asObject(Object value, String what) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw MasterError.invalidArgument(what + " must be a JSON object, got: " + describe(value));
    }

    static Map<String, Object> object(Map<String, Object> body, String key) {
        return asObject(require(body, key), key);
    }

    /** An object, or null when absent or null. */
    static Map<String, Object> optionalObject(Map<String, Object> body, String key) {
        Object value = body.get(key);
        return value == null ? null : asObject(value, key);
    }

    static String string(Map<String, Object> body, String key) {
        Object value = require(body, key);
        if (value instanceof String s) {
            return s;
        }
        throw MasterError.invalidArgument(key + " must be a string, got: " + describe(value));
    }

    static String optionalString(Map<String, Object> body, String key) {
        return body.get(key) == null ? null : string(body, key);
    }

    static long int64(Map<String, Object> body, String key) {
        return toLong(require(body, key), key);
    }

    static Long optionalInt64(Map<String, Object> body, String key) {
        Object value = body.get(key);
        return value == null ? null : toLong(value, key);
    }

    static long toLong(Object value, String key) {
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            return d.longValue();
        }
        throw MasterError.invalidArgument(key + " must be an integer, got: " + describe(value));
    }

    static List<Object> optionalList(Map<String, Object> body, String key) {
        Object value = body.get(key);
        if (value == null || value instanceof List<?>) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) value;
            return list;
        }
        throw MasterError.invalidArgument(key + " must be a JSON array, got: " + describe(value));
    }

    private static Object require(Map<String, Object> body, String key) {
        Object value = body.get(key);
        if (value == null) {
            throw MasterError.invalidArgument("missing field " + key);
        }
        return value;
    }

    private static String describe(Object value) {
        String text = String.valueOf(value);
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }

    /** A deep, unmodifiable copy (nulls allowed), so snapshots handed to tests never change. */
    @SuppressWarnings("unchecked")
    static <T> T freeze(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), freeze(v)));
            return (T) Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(freeze(v)));
            return (T) Collections.unmodifiableList(copy);
        }
        return value;
    }
}
