package dev.determinedbatch.json;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON, with JSON-P's parser, into the plain values {@link PythonJson} writes back to the
 * same bytes: {@link LinkedHashMap} (key order kept), {@link ArrayList}, {@link String},
 * {@link Long} (or {@link BigInteger}) for a number written without fraction or exponent,
 * {@link Double} for every other, {@link Boolean}, null.
 *
 * <p>Why not JSON-P's object model: it keeps numbers as {@code BigDecimal}, which cannot tell
 * {@code 1.2345678901234567e+16} from the integer {@code 12345678901234567}, nor {@code -0.0}
 * from {@code 0.0}; so numbers are taken from the parser's own text of them. And Python's json
 * module writes non-finite floats as the bare words {@code NaN}, {@code Infinity} and
 * {@code -Infinity}, which RFC 8259 (and so JSON-P) refuses: they are read too, so that a
 * {@code metadata.json} written by Determined, or a spill line with a NaN loss, always reads back.
 */
public final class JsonText {

    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

    private JsonText() {
    }

    /** @throws IllegalArgumentException naming the offset of the first error */
    public static Object read(String text) {
        NonFinite nonFinite = NonFinite.replace(text);
        try (JsonParser parser = PARSERS.createParser(new StringReader(nonFinite.text))) {
            Reading reading = new Reading(parser, nonFinite.values);
            Object value = reading.value(parser.next());
            if (parser.hasNext()) {
                throw new IllegalArgumentException("invalid JSON at offset " + parser.getLocation().getStreamOffset()
                        + ": unexpected text after the JSON value in " + abbreviate(text));
            }
            return value;
        } catch (JsonParsingException e) {
            throw new IllegalArgumentException("invalid JSON at offset " + e.getLocation().getStreamOffset() + ": "
                    + e.getMessage() + " in " + abbreviate(text), e);
        } catch (JsonException | java.util.NoSuchElementException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage() + " in " + abbreviate(text), e);
        }
    }

    /** Reads a JSON object, e.g. a checkpoint's metadata: arbitrary JSON as plain values. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readJsonObject(String text) {
        Object value = read(text);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object, got: " + abbreviate(text));
        }
        return (Map<String, Object>) value;
    }

    static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }

    /** Walks the parser's events; the n-th number read is {@code nonFinite.get(n)} when replaced. */
    private static final class Reading {
        private final JsonParser parser;
        private final Map<Integer, Double> nonFinite;
        private int numbers;

        Reading(JsonParser parser, Map<Integer, Double> nonFinite) {
            this.parser = parser;
            this.nonFinite = nonFinite;
        }

        Object value(JsonParser.Event event) {
            return switch (event) {
                case START_OBJECT -> {
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (JsonParser.Event e = parser.next(); e != JsonParser.Event.END_OBJECT; e = parser.next()) {
                        String key = parser.getString();
                        map.put(key, value(parser.next()));
                    }
                    yield map;
                }
                case START_ARRAY -> {
                    List<Object> list = new ArrayList<>();
                    for (JsonParser.Event e = parser.next(); e != JsonParser.Event.END_ARRAY; e = parser.next()) {
                        list.add(value(e));
                    }
                    yield list;
                }
                case VALUE_STRING -> parser.getString();
                case VALUE_NUMBER -> number(parser.getString());
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> null;
                default -> throw new IllegalStateException("unexpected JSON event " + event);
            };
        }

        private Object number(String literal) {
            Double replaced = nonFinite.get(numbers++);
            if (replaced != null) {
                return replaced;
            }
            if (literal.indexOf('.') >= 0 || literal.indexOf('e') >= 0 || literal.indexOf('E') >= 0) {
                return Double.parseDouble(literal);
            }
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException tooBig) {
                return new BigInteger(literal);
            }
        }
    }

    /**
     * Python's bare non-finite words, replaced by {@code 0} (and spaces) for the parser, each remembered by the
     * ordinal of the number it stands for. Only outside strings; anything else is left for the
     * parser to judge.
     */
    private record NonFinite(String text, Map<Integer, Double> values) {

        static NonFinite replace(String text) {
            StringBuilder out = null;
            Map<Integer, Double> values = Map.of();
            int copied = 0;
            int number = 0;
            int i = 0;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (c == '"') {
                    i = afterString(text, i);
                    continue;
                }
                String word = null;
                double value = 0;
                if (text.startsWith("NaN", i)) {
                    word = "NaN";
                    value = Double.NaN;
                } else if (text.startsWith("Infinity", i)) {
                    word = "Infinity";
                    value = Double.POSITIVE_INFINITY;
                } else if (text.startsWith("-Infinity", i)) {
                    word = "-Infinity";
                    value = Double.NEGATIVE_INFINITY;
                } else if (c == '-' || (c >= '0' && c <= '9')) {
                    number++;
                    i++;
                    while (i < n && "0123456789.eE+-".indexOf(text.charAt(i)) >= 0) {
                        i++;
                    }
                    continue;
                }
                if (word == null) {
                    i++;
                    continue;
                }
                if (out == null) {
                    out = new StringBuilder(text.length());
                    values = new HashMap<>();
                }
                // as long as the word, so that the parser's offsets are those of the text
                out.append(text, copied, i).append('0').append(" ".repeat(word.length() - 1));
                values.put(number++, value);
                i += word.length();
                copied = i;
            }
            return out == null ? new NonFinite(text, values) : new NonFinite(out.append(text, copied, n).toString(), values);
        }

        /** The index after the string that starts at {@code quote} (the end if it is never closed). */
        private static int afterString(String text, int quote) {
            int i = quote + 1;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '\\') {
                    i += 2;
                } else if (c == '"') {
                    return i + 1;
                } else {
                    i++;
                }
            }
            return i;
        }
    }
}
