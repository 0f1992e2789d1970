package dev.determinedbatch.client.master;

import dev.determinedbatch.json.JsonFields;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.time.Backoff;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

/**
 * An authenticated session with the master: logs in (or checks a given token with
 * {@code GET /api/v1/me}), sends the bearer token, logs in again once on 401, and retries with
 * exponential backoff with jitter ({@link Backoff}) on 502/503/504 and on connection failures. Unlike Determined's Python
 * client it retries POSTs too; the callers make that safe (see {@code MasterBackend}).
 */
public final class MasterConnection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MasterConnection.class.getName());
    private static final String LOGIN_PATH = "api/v1/auth/login";

    /** Waits between retries; injected so that tests do not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        /** Sleeps for real. */
        Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

        void sleep(Duration duration) throws InterruptedException;
    }

    private final MasterSettings settings;
    private final MasterApi api;
    private final Sleeper sleeper;
    private final Backoff backoff;
    private final Object authLock = new Object();
    private volatile String token;
    private volatile boolean givenTokenRefused;

    private MasterConnection(MasterSettings settings, Sleeper sleeper, DoubleSupplier jitter) {
        this.settings = settings;
        this.sleeper = sleeper;
        this.backoff = Backoff.exponential(settings.initialBackoff(), MasterSettings.MAX_BACKOFF).withRandom(jitter);
        this.api = buildClient(settings);
    }

    public static MasterConnection open(MasterSettings settings) {
        return open(settings, Sleeper.REAL);
    }

    public static MasterConnection open(MasterSettings settings, Sleeper sleeper) {
        return open(settings, sleeper, Backoff.RANDOM);
    }

    /** @param jitter draws the random share of each wait between retries ({@link Backoff#withRandom}) */
    public static MasterConnection open(MasterSettings settings, Sleeper sleeper, DoubleSupplier jitter) {
        return new MasterConnection(settings, sleeper, jitter);
    }

    public MasterUrl url() {
        return settings.url();
    }

    /**
     * Makes one authenticated call.
     *
     * @param what names the call in errors and logs, e.g. {@code "PUT /api/v1/trials"}
     * @throws MasterException            for an error status (after retries where they apply)
     * @throws MasterUnreachableException when no answer came, naming the master's URL
     */
    public void call(String what, Function<MasterApi, Response> call) {
        send(what, call, true, refused -> false, false);
    }

    /**
     * Makes one authenticated call and reads its answer, e.g. {@code MasterAnswer.Trial::from}.
     *
     * @throws MasterException for an error status, or an answer without a field {@code answer}
     *                         needs (HTTP 200, naming the field), which no retry would change
     */
    public <T extends MasterAnswer> T call(String what, Function<MasterApi, Response> call,
                                           Function<JsonFields, T> answer) {
        return read(what, send(what, call, true, refused -> false, false), answer);
    }

    /**
     * Makes a call that is not idempotent on the master (a metric or checkpoint report), retried
     * all the same. When a try may have been carried out although its answer was lost (no answer,
     * 502, 503, 504) and a later try is refused, {@code alreadyApplied} judges the refusal: true
     * means the master holds what the lost try sent, and the call counts as done.
     */
    public void callOnce(String what, Function<MasterApi, Response> call,
                         Predicate<MasterException> alreadyApplied) {
        callOnce(what, call, alreadyApplied, false);
    }

    /**
     * As {@link #callOnce(String, Function, Predicate)}, for a call an earlier {@code callOnce}
     * may already have carried out ({@code earlierTryMayHaveLanded}): a report sent again after
     * an outage, or one a process left behind. A refusal is then judged from the first try on.
     */
    public void callOnce(String what, Function<MasterApi, Response> call,
                         Predicate<MasterException> alreadyApplied, boolean earlierTryMayHaveLanded) {
        send(what, call, true, alreadyApplied, earlierTryMayHaveLanded);
    }

    /** Logs in (or validates the given token) now, so that bad credentials fail at once. */
    public void authenticate() {
        currentToken();
    }

    /** The answer's body: empty when a call counted as done without one. */
    private String send(String what, Function<MasterApi, Response> call, boolean authenticated,
                        Predicate<MasterException> alreadyApplied, boolean earlierTryMayHaveLanded) {
        int attempt = 0;
        boolean renewed = false;
        boolean outcomeUnknown = earlierTryMayHaveLanded;
        while (true) {
            String used = authenticated ? currentToken() : null;
            int status;
            String body;
            try (Response response = call.apply(api)) {
                status = response.getStatus();
                body = response.hasEntity() ? response.readEntity(String.class) : "";
            } catch (ProcessingException e) {
                outcomeUnknown = true;
                if (attempt < settings.retries()) {
                    LogCode.MASTER_NOT_REACHABLE.log(LOG, what, settings.url(), e.getMessage(), attempt + 1,
                            settings.retries());
                    backoff(attempt++, what);
                    continue;
                }
                throw new MasterUnreachableException(what, settings.url(), e);
            }
            if (status == 401 && authenticated && !renewed) {
                LogCode.SESSION_TOKEN_REFUSED.log(LOG, what);
                invalidate(used);
                renewed = true;
                continue;
            }
            boolean unavailable = status == 502 || status == 503 || status == 504;
            outcomeUnknown |= unavailable;
            if (unavailable && attempt < settings.retries()) {
                LogCode.MASTER_UNAVAILABLE.log(LOG, what, status, settings.url(), attempt + 1, settings.retries());
                backoff(attempt++, what);
                continue;
            }
            if (status >= 300) {
                MasterException refused = new MasterException(what, status, errorMessage(body));
                if (outcomeUnknown && !unavailable && alreadyApplied.test(refused)) {
                    LogCode.LOST_ANSWER_COUNTED_DONE.log(LOG, what, refused.masterMessage());
                    return "";
                }
                throw refused;
            }
            return body;
        }
    }

    private String currentToken() {
        String current = token;
        if (current != null) {
            return current;
        }
        synchronized (authLock) {
            if (token == null) {
                token = obtainToken();
            }
            return token;
        }
    }

    private void invalidate(String used) {
        synchronized (authLock) {
            if (used != null && used.equals(token)) {
                token = null;
                if (settings.credentials().token().filter(used::equals).isPresent()) {
                    givenTokenRefused = true;
                }
            }
        }
    }

    private String obtainToken() {
        Credentials credentials = settings.credentials();
        if (credentials.token().isPresent() && !givenTokenRefused) {
            String given = credentials.token().get();
            token = given;
            try {
                String what = "GET /api/v1/me";
                MasterAnswer.Me me = read(what, send(what, MasterApi::me, false, refused -> false, false),
                        MasterAnswer.Me::from);
                LOG.log(Level.FINE, "the given token at {0} is user {1}''s", new Object[] {settings.url(), me.username()});
                return given;
            } catch (MasterException e) {
                token = null;
                if (e.status() != 401 || !credentials.canLogIn()) {
                    throw new MasterException("checking the token of user '" + credentials.username()
                            + "' at " + settings.url(), e.status(), e.masterMessage());
                }
                givenTokenRefused = true;
            }
        }
        if (!credentials.canLogIn()) {
            throw new MasterException("authenticating user '" + credentials.username() + "' at " + settings.url()
                    + " (the given token was refused and no password is set)", 401, "");
        }
        credentials.fallbackReason()
                .ifPresent(reason -> LogCode.LOGIN_VARIABLE_IGNORED.log(LOG, settings.url(), reason));
        String body = new MasterRequest.Login(credentials.username(), credentials.hashedPassword()).body();
        String what = "POST /api/v1/auth/login";
        String answer;
        try {
            answer = send(what, api -> api.login(body), false, refused -> false, false);
        } catch (MasterException e) {
            throw new MasterException("login of user '" + credentials.username() + "' at " + settings.url()
                    + credentials.fallbackReason().map(reason -> " (" + reason + ")").orElse(""),
                    e.status(), e.masterMessage());
        }
        String newToken;
        try {
            newToken = MasterAnswer.Login.from(answer(answer)).token();
        } catch (IllegalArgumentException e) {
            throw new MasterException("login of user '" + credentials.username() + "' at " + settings.url(),
                    200, "the answer carried no token (" + e.getMessage() + ")");
        }
        LOG.log(Level.FINE, "logged in to {0} as {1}", new Object[] {settings.url(), credentials.username()});
        return newToken;
    }

    private void backoff(int attempt, String what) {
        Duration wait = backoff.delay(attempt);
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MasterUnreachableException(what + " (interrupted while waiting to retry)", settings.url(), e);
        }
    }

    /**
     * A successful answer's fields. Some routes answer with no object: the master's
     * {@code POST /task-logs} answers the JSON string {@code ""}; that is success with no fields.
     */
    private static JsonFields answer(String body) {
        if (body.isBlank() || !body.strip().startsWith("{")) {
            return JsonFields.of(Map.of(), "answer");
        }
        return JsonFields.parse(body, "answer");
    }

    private static <T extends MasterAnswer> T read(String what, String body, Function<JsonFields, T> answer) {
        try {
            return answer.apply(answer(body));
        } catch (IllegalArgumentException malformed) {
            throw new MasterException(what, 200, malformed.getMessage());
        }
    }

    static String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            String message = MasterAnswer.Error.from(JsonFields.parse(body, "error")).message();
            if (message != null && !message.isEmpty()) {
                return message;
            }
        } catch (IllegalArgumentException notJson) {
            // a proxy's HTML page, say: show its start
        }
        String flat = body.strip().replaceAll("\\s+", " ");
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }

    private MasterApi buildClient(MasterSettings settings) {
        RestClientBuilder builder = RestClientBuilder.newBuilder()
                .baseUri(settings.url().uri())
                .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // statuses are ours to judge: no exception for >= 400
                .property("microprofile.rest.client.disable.default.mapper", Boolean.TRUE)
                // the heartbeat, the metric sender and the training thread call at once
                .property("resteasy.connectionPoolSize", 16)
                .property("resteasy.maxPooledPerRoute", 16)
                .register(new SessionHeaders());
        SSLContext ssl = settings.tls().sslContext();
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        HostnameVerifier verifier = settings.tls().hostnameVerifier();
        if (verifier != null) {
            builder.hostnameVerifier(verifier);
        }
        return builder.build(MasterApi.class);
    }

    /** The headers Determined's client sends: {@code Accept: *}{@code /*} and the bearer token. */
    private final class SessionHeaders implements ClientRequestFilter {
        @Override
        public void filter(ClientRequestContext request) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, "*/*");
            String current = token;
            if (current != null && !request.getUri().getPath().endsWith(LOGIN_PATH)) {
                request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + current);
            }
        }
    }

    @Override
    public void close() {
        if (api instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "closing the REST client failed", e);
            }
        }
    }
}
