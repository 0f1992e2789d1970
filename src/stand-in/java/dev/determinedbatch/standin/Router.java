package dev.determinedbatch.standin;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Routes on method and path, like the master's gateway: 404 for an unknown path, 405 for a wrong method. */
final class Router {

    /** Answers a call with a JSON-writable value, or throws a {@link MasterError}. */
    @FunctionalInterface
    interface Handler {
        Object answer(Call call);
    }

    record Route(String method, Pattern path, boolean authenticated, Handler handler) {
    }

    record Match(Route route, Matcher path) {
    }

    private final List<Route> routes = new ArrayList<>();

    /** A route that needs a valid bearer token. */
    Router add(String method, String pathRegex, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pathRegex), true, handler));
        return this;
    }

    /** A route anyone may call (login). */
    Router addPublic(String method, String pathRegex, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pathRegex), false, handler));
        return this;
    }

    Match resolve(String method, String path) {
        boolean pathKnown = false;
        for (Route route : routes) {
            Matcher m = route.path().matcher(path);
            if (m.matches()) {
                if (route.method().equals(method)) {
                    return new Match(route, m);
                }
                pathKnown = true;
            }
        }
        if (pathKnown) {
            throw new MasterError(405, MasterError.UNIMPLEMENTED, "Method Not Allowed");
        }
        throw MasterError.notFound("Not Found");
    }
}
