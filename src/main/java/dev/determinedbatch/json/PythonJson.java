package dev.determinedbatch.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes JSON with the exact bytes of Python's {@code json.dumps}: {@code ", "} and {@code ": "}
 * separators (or {@code indent}), ASCII only ({@code ensure_ascii}), floats as Python's
 * {@code repr}. Determined's client writes {@code metadata.json} this way, and our requests are
 * compared byte-wise with what it sends.
 *
 * <p>Values: {@code null}, {@link Boolean}, {@link Number}, {@link CharSequence}, {@link Map}
 * (keys as strings, in iteration order), {@link Collection} and arrays of objects.
 */
public final class PythonJson {

    /** How non-finite doubles are written. */
    public enum NonFinite {
        /** {@code NaN}, {@code Infinity}: what Python's json module writes into files. */
        BARE,
        /** {@code "NaN"}, {@code "Infinity"}: proto3 JSON, what the master's API expects. */
        QUOTED
    }

    private final int indent;
    private final NonFinite nonFinite;

    private PythonJson(int indent, NonFinite nonFinite) {
        this.indent = indent;
        this.nonFinite = nonFinite;
    }

    /** {@code json.dumps(value)}: one line, quoted non-finite numbers for the wire. */
    public static String wire(Object value) {
        return new PythonJson(-1, NonFinite.QUOTED).write(value);
    }

    /**
     * {@code json.dumps(value)} with bare {@code NaN} and {@code Infinity}: one line (no raw line
     * break can occur, strings escape them), which {@link JsonText} reads back to equal values.
     */
    public static String line(Object value) {
        return new PythonJson(-1, NonFinite.BARE).write(value);
    }

    /** {@code json.dump(value, f, indent=2)}: the bytes of Determined's {@code metadata.json}. */
    public static String indented(Object value) {
        return new PythonJson(2, NonFinite.BARE).write(value);
    }

    public String write(Object value) {
        StringBuilder out = new StringBuilder(64);
        write(out, value, 0);
        return out.toString();
    }

    private void write(StringBuilder out, Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Double || value instanceof Float) {
            writeFloat(out, ((Number) value).doubleValue());
        } else if (value instanceof BigDecimal d) {
            writeFloat(out, d.doubleValue());
        } else if (value instanceof Number n) {
            out.append(n instanceof BigInteger ? n.toString() : Long.toString(n.longValue()));
        } else if (value instanceof CharSequence s) {
            writeString(out, s);
        } else if (value instanceof Map<?, ?> map) {
            writeObject(out, map, depth);
        } else if (value instanceof Collection<?> list) {
            writeArray(out, list.iterator(), list.isEmpty(), depth);
        } else if (value instanceof Object[] array) {
            writeArray(out, java.util.Arrays.asList(array).iterator(), array.length == 0, depth);
        } else {
            throw new IllegalArgumentException(
                    "cannot write a " + value.getClass().getName() + " as JSON: " + value);
        }
    }

    private void writeObject(StringBuilder out, Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            separator(out, first, depth + 1);
            first = false;
            if (!(e.getKey() instanceof CharSequence key)) {
                throw new IllegalArgumentException("JSON object keys must be strings, not " + e.getKey());
            }
            writeString(out, key);
            out.append(": ");
            write(out, e.getValue(), depth + 1);
        }
        close(out, depth);
        out.append('}');
    }

    private void writeArray(StringBuilder out, Iterator<?> items, boolean empty, int depth) {
        if (empty) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        while (items.hasNext()) {
            separator(out, first, depth + 1);
            first = false;
            write(out, items.next(), depth + 1);
        }
        close(out, depth);
        out.append(']');
    }

    private void separator(StringBuilder out, boolean first, int depth) {
        if (indent < 0) {
            if (!first) {
                out.append(", ");
            }
            return;
        }
        if (!first) {
            out.append(',');
        }
        out.append('\n').append(" ".repeat(indent * depth));
    }

    private void close(StringBuilder out, int depth) {
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    private void writeFloat(StringBuilder out, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            String word = Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
            out.append(nonFinite == NonFinite.QUOTED ? '"' + word + '"' : word);
            return;
        }
        out.append(pythonRepr(d));
    }

    /** Python's {@code repr(float)}: the shortest digits that read back to the same double. */
    static String pythonRepr(double d) {
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortestDigits(d);
        String digits = shortest.unscaledValue().abs().toString().replaceAll("0+$", "");
        if (digits.isEmpty()) {
            digits = "0";
        }
        // position of the decimal point relative to the first digit, as in Python's float_repr
        int decimalPoint = shortest.precision() - shortest.scale();
        String sign = d < 0 ? "-" : "";
        if (decimalPoint > -4 && decimalPoint <= 16) {
            if (decimalPoint <= 0) {
                return sign + "0." + "0".repeat(-decimalPoint) + digits;
            }
            if (decimalPoint >= digits.length()) {
                return sign + digits + "0".repeat(decimalPoint - digits.length()) + ".0";
            }
            return sign + digits.substring(0, decimalPoint) + "." + digits.substring(decimalPoint);
        }
        int exponent = decimalPoint - 1;
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }

    /**
     * The fewest significant digits that read back as {@code d}, the nearest such if several.
     * The nearest number of a precision is not always one: at a power of two the gap to the next
     * lower double is half the gap to the next higher, so the neighbour on the other side may be
     * the one that reads back (Python prints 7.120236347223045e-307 for 2**-1017, not 17 digits).
     */
    private static BigDecimal shortestDigits(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int precision = 1; precision < 17; precision++) {
            for (RoundingMode mode : new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.FLOOR,
                    RoundingMode.CEILING}) {
                BigDecimal candidate = exact.round(new MathContext(precision, mode));
                if (candidate.doubleValue() == d) {
                    return candidate;
                }
            }
        }
        // 17 significant digits always read back
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }

    private static void writeString(StringBuilder out, CharSequence s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
