package dev.determinedbatch.json;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of one JSON object read by {@link JsonText}: each read names the field, and a
 * missing or mistyped one fails with a {@link JsonFieldException} that names the source (a
 * master call, a file), the field's path and what it held, e.g.
 * {@code POST /api/v1/trials/7/start: field 'trialRunId' is missing}.
 * Records of the wire and of our files read themselves with it, instead of casting map values.
 */
public final class JsonFields {

    private final Map<String, Object> object;
    private final String where;
    private final String path;

    private JsonFields(Map<String, Object> object, String where, String path) {
        this.object = object;
        this.where = where;
        this.path = path;
    }

    /** Reads {@code text}, which must be a JSON object; {@code where} names it in errors. */
    public static JsonFields parse(String text, String where) {
        Object value;
        try {
            value = JsonText.read(text);
        } catch (IllegalArgumentException e) {
            throw new JsonFieldException(where + ": " + e.getMessage(), e);
        }
        return of(value, where);
    }

    /** Reads {@code text}, which must be a JSON array of objects; {@code where} names it in errors. */
    public static List<JsonFields> parseArray(String text, String where) {
        Object value;
        try {
            value = JsonText.read(text);
        } catch (IllegalArgumentException e) {
            throw new JsonFieldException(where + ": " + e.getMessage(), e);
        }
        if (!(value instanceof List<?> list)) {
            throw new JsonFieldException(where + ": expected a JSON array, got " + shown(value));
        }
        List<JsonFields> objects = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?>)) {
                throw new JsonFieldException(where + ": item " + i + " must be an object, got " + shown(list.get(i)));
            }
            objects.add(new JsonFields(cast(list.get(i)), where, "[" + i + "]."));
        }
        return objects;
    }

    /** A view of a JSON object already read; {@code where} names it in errors. */
    public static JsonFields of(Object object, String where) {
        if (!(object instanceof Map<?, ?>)) {
            throw new JsonFieldException(where + ": expected a JSON object, got " + shown(object));
        }
        return new JsonFields(cast(object), where, "");
    }

    public String where() {
        return where;
    }

    /** Whether the field is there and not null. */
    public boolean has(String name) {
        return object.get(name) != null;
    }

    /** The field's value as read (arbitrary JSON as plain values), null when absent. */
    public Object value(String name) {
        return object.get(name);
    }

    public String string(String name) {
        return required(name, optionalString(name));
    }

    public String optionalString(String name) {
        Object value = object.get(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw wrong(name, "a string", value);
    }

    /** An integer written as a JSON number. */
    public long longValue(String name) {
        return required(name, optionalLong(name));
    }

    public Long optionalLong(String name) {
        return integer(name, false);
    }

    /** An int64 field of proto3 JSON (the master's answers): a JSON number or a string of digits. */
    public long int64(String name) {
        return required(name, optionalInt64(name));
    }

    public Long optionalInt64(String name) {
        return integer(name, true);
    }

    private Long integer(String name, boolean orDigits) {
        Object value = object.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big && big.bitLength() < 64) {
            return big.longValue();
        }
        if (orDigits && value instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException notDigits) {
                // refused below
            }
        }
        throw wrong(name, orDigits ? "an integer (a number or a string of digits)" : "an integer", value);
    }

    public int intValue(String name) {
        long value = longValue(name);
        if (value != (int) value) {
            throw wrong(name, "a 32-bit integer", value);
        }
        return (int) value;
    }

    /** A number, or one of the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} of proto3 JSON. */
    public double doubleValue(String name) {
        Object value = object.get(name);
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            switch (s) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw value == null ? missing(name) : wrong(name, "a number", value);
    }

    public boolean bool(String name) {
        Object value = object.get(name);
        if (value instanceof Boolean b) {
            return b;
        }
        throw value == null ? missing(name) : wrong(name, "true or false", value);
    }

    /** A nested object, whose errors name the field's path, e.g. {@code 'trial.id'}. */
    public JsonFields object(String name) {
        return required(name, optionalObject(name).orElse(null));
    }

    public Optional<JsonFields> optionalObject(String name) {
        Object value = object.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map<?, ?>) {
            return Optional.of(new JsonFields(cast(value), where, field(name) + "."));
        }
        throw wrong(name, "an object", value);
    }

    /** A JSON object of arbitrary values (metrics, metadata, hyperparameters), null when absent. */
    public Map<String, Object> optionalMap(String name) {
        return optionalObject(name).map(fields -> fields.object).orElse(null);
    }

    public Map<String, Object> map(String name) {
        return required(name, optionalMap(name));
    }

    /** A JSON array of arbitrary values, null when absent. */
    public List<Object> optionalList(String name) {
        Object value = object.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list) {
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) list;
            return values;
        }
        throw wrong(name, "an array", value);
    }

    public List<Object> list(String name) {
        return required(name, optionalList(name));
    }

    /** A JSON array of objects, each a view whose errors name its index. */
    public List<JsonFields> objects(String name) {
        List<Object> values = list(name);
        List<JsonFields> objects = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            if (!(values.get(i) instanceof Map<?, ?>)) {
                throw wrong(name + "[" + i + "]", "an object", values.get(i));
            }
            objects.add(new JsonFields(cast(values.get(i)), where, field(name) + "[" + i + "]."));
        }
        return objects;
    }

    /** The whole object as plain values. */
    public Map<String, Object> asMap() {
        return object;
    }

    private <T> T required(String name, T value) {
        if (value == null) {
            throw missing(name);
        }
        return value;
    }

    private JsonFieldException missing(String name) {
        return new JsonFieldException(where + ": field '" + field(name) + "' is "
                + (object.containsKey(name) ? "null" : "missing"));
    }

    private JsonFieldException wrong(String name, String expected, Object value) {
        return new JsonFieldException(where + ": field '" + field(name) + "' must be " + expected + ", got " + shown(value));
    }

    private String field(String name) {
        return path + name;
    }

    private static String shown(Object value) {
        if (value == null) {
            return "null";
        }
        String json;
        try {
            json = PythonJson.wire(value);
        } catch (IllegalArgumentException notJson) {
            json = String.valueOf(value);
        }
        return JsonText.abbreviate(json);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object map) {
        return (Map<String, Object>) map;
    }

    /** A JSON value that is not what its reader expects; the message names where and which field. */
    public static final class JsonFieldException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        public JsonFieldException(String message) {
            super(message);
        }

        public JsonFieldException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
