package dev.determinedbatch.api;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import jakarta.json.stream.JsonParserFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The JSON body of a start or restart: one object whose members are job parameters. JBeret keeps
 * job parameters as strings, so a number or a boolean becomes its JSON text as written
 * ({@code 1} is "1", {@code 0.05} is "0.05", {@code 1e3} is "1e3", {@code true} is "true"); null,
 * an object or an array as a value is refused, naming the parameter, as is anything but one
 * object.
 */
final class JsonJobParameters {

    /**
     * The largest body taken, 64 KiB: far more than JBeret's job repository keeps of job
     * parameters ({@link StoredJobParameters#LIMIT} characters) even when written with every
     * character escaped, and small enough to be read into memory before it is parsed.
     */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

    private JsonJobParameters() {
    }

    /**
     * The parameters, in the order given; none for a body that is empty or only white space.
     *
     * @param charset the body's charset as its {@code Content-Type} names it, or null: JSON's
     *                own detection (UTF-8 unless the bytes are UTF-16 or UTF-32)
     */
    static Map<String, String> parse(byte[] body, Charset charset) {
        if (body.length > MAX_BODY_BYTES) {
            throw tooLarge("has more than");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (isBlank(body)) {
            return parameters;
        }
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        try (JsonParser parser = charset == null ? PARSERS.createParser(in) : PARSERS.createParser(in, charset)) {
            Event first = parser.next();
            if (first != Event.START_OBJECT) {
                throw JobParametersRefused.badRequest("the request body must be a JSON object of job parameters,"
                        + " such as {\"epochs\": \"10\"}; got " + describe(first));
            }
            for (Event event = parser.next(); event != Event.END_OBJECT; event = parser.next()) {
                String name = parser.getString();
                String value = value(name, parser.next(), parser);
                if (parameters.put(name, value) != null) {
                    throw JobParametersRefused.badRequest("job parameter '" + name
                            + "' appears more than once in the request body");
                }
            }
            if (parser.hasNext()) {
                throw JobParametersRefused.badRequest("the request body holds more than one JSON value;"
                        + " give one object of job parameters");
            }
        } catch (JsonException e) {
            throw JobParametersRefused.badRequest("the request body is not valid JSON: " + e.getMessage());
        } catch (NoSuchElementException e) {
            throw JobParametersRefused.badRequest("the request body is not valid JSON: it ends inside the object");
        }
        return parameters;
    }

    /** The message of a body over the limit; {@code how} says whether it was measured or announced. */
    static JobParametersRefused tooLarge(String how) {
        return new JobParametersRefused("the request body " + how + " " + MAX_BODY_BYTES
                + " bytes (64 KiB), the limit for job parameters; JBeret's job repository keeps at most "
                + StoredJobParameters.LIMIT + " characters of them");
    }

    private static String value(String name, Event event, JsonParser parser) {
        return switch (event) {
            case VALUE_STRING, VALUE_NUMBER -> parser.getString(); // a number's text as written
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NULL, START_OBJECT, START_ARRAY -> throw JobParametersRefused.badRequest("job parameter '"
                    + name + "' is " + describe(event) + "; give a string, a number or a boolean");
            default -> throw new IllegalStateException("JSON parser event " + event + " after a name");
        };
    }

    private static String describe(Event event) {
        return switch (event) {
            case START_ARRAY -> "a JSON array";
            case START_OBJECT -> "a JSON object";
            case VALUE_NULL -> "null";
            case VALUE_STRING -> "a JSON string";
            case VALUE_NUMBER -> "a JSON number";
            case VALUE_TRUE, VALUE_FALSE -> "a JSON boolean";
            default -> event.toString();
        };
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
