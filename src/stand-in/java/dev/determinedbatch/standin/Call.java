package dev.determinedbatch.standin;

import dev.determinedbatch.json.JsonText;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/** One API call being answered: path parameters, query, body and the caller. */
final class Call {

    private final Matcher path;
    private final Map<String, List<String>> query;
    private final String body;
    private final User user;

    Call(Matcher path, String rawQuery, String body, User user) {
        this.path = path;
        this.query = parseQuery(rawQuery);
        this.body = body;
        this.user = user;
    }

    /** The caller, or null on an unauthenticated route. */
    User user() {
        return user;
    }

    /** A path parameter (a regex group of the route), URL-decoded. */
    String param(int group) {
        return URLDecoder.decode(path.group(group), StandardCharsets.UTF_8);
    }

    long longParam(int group) {
        return Fields.toLong(param(group), "path parameter");
    }

    /** The body as JSON; malformed JSON is a 400 naming the problem. */
    Object json() {
        try {
            return JsonText.read(body);
        } catch (IllegalArgumentException e) {
            throw MasterError.invalidArgument("malformed request body: " + e.getMessage());
        }
    }

    /** The body as a JSON object; an empty body is an empty object, as for the gateway. */
    Map<String, Object> body() {
        return body.isBlank() ? new LinkedHashMap<>() : Fields.asObject(json(), "request body");
    }

    /** Every value of a query parameter (repeated parameters, as grpc-gateway reads them). */
    List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    String query(String name) {
        List<String> values = queryAll(name);
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return out;
    }
}
