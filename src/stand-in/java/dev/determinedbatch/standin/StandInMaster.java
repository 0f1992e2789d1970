package dev.determinedbatch.standin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.determinedbatch.json.PythonJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * A Determined master stand-in for the detached-mode API, on loopback: it answers what the real
 * master answers (see PROTOCOL.md), records every request, and injects faults on demand.
 *
 * <pre>{@code
 * try (StandInMaster master = StandInMaster.start()) {
 *     String token = master.issueToken("determined");
 *     // drive a client at master.url(), then inspect master.state() and master.requests()
 * }
 * }</pre>
 *
 * <p>{@link #startHttps(SSLContext)} serves the same over TLS, for the client's certificate checks.
 */
public final class StandInMaster implements AutoCloseable {

    private final MasterState state;
    private final Faults faults;
    private final RequestLog log = new RequestLog();
    private final Router router = new Router();
    private final ExecutorService executor;
    private final SSLContext tls;
    private final int port;
    private HttpServer server;
    private boolean closed;

    private StandInMaster(int requestedPort, Clock clock, SSLContext tls) {
        this.tls = tls;
        this.state = new MasterState(clock);
        this.faults = new Faults(new Faults.Listener() {
            @Override
            public void stopListening() {
                pause();
            }

            @Override
            public void startListening() {
                resume();
            }
        }, state.users());
        MasterApi.register(router, state);
        TrialApi.register(router, state);
        CheckpointApi.register(router, state);
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stand-in-master");
            t.setDaemon(true);
            return t;
        });
        this.server = listen(requestedPort);
        this.port = server.getAddress().getPort();
    }

    /** Starts on 127.0.0.1 and an ephemeral port. */
    public static StandInMaster start() {
        return start(0);
    }

    public static StandInMaster start(int port) {
        return start(port, Clock.systemUTC());
    }

    /** Starts with the clock its reported times come from. */
    public static StandInMaster start(int port, Clock clock) {
        return start(port, clock, null);
    }

    /** Starts on 127.0.0.1 and an ephemeral port, serving HTTPS with the server's key in {@code serverContext}. */
    public static StandInMaster startHttps(SSLContext serverContext) {
        return start(0, Clock.systemUTC(), serverContext);
    }

    private static StandInMaster start(int port, Clock clock, SSLContext tls) {
        // the JDK server sends headers and body in two writes: without TCP_NODELAY each answer
        // waits for the client's delayed ACK (40 ms), as no real master's does
        System.setProperty("sun.net.httpserver.nodelay", "true");
        return new StandInMaster(port, clock, tls);
    }

    /** "http://127.0.0.1:PORT", or "https://127.0.0.1:PORT" when started with TLS */
    public String url() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public MasterState state() {
        return state;
    }

    public Faults faults() {
        return faults;
    }

    /** Adds a user, or sets the password of an existing one (default: determined, no password). */
    public User addUser(String username, String password) {
        return state.users().addUser(username, password);
    }

    /** A valid token, as a client that starts from a cached token holds. */
    public String issueToken(String username) {
        return state.users().issueToken(username);
    }

    public void expireTokens() {
        state.users().expireTokens();
    }

    /** Every request so far, faulted ones included, in arrival order. */
    public List<RecordedRequest> requests() {
        return log.snapshot();
    }

    public void clearRequests() {
        log.clear();
    }

    /** Waits (bounded) for a request that matches, e.g. one a client sends from a background queue. */
    public Optional<RecordedRequest> awaitRequest(Predicate<RecordedRequest> wanted, Duration timeout)
            throws InterruptedException {
        return log.await(wanted, timeout);
    }

    /** Stops listening and answers every delayed request at once. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        faults.releaseDelays();
        pause();
        executor.shutdownNow();
    }

    private synchronized void pause() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    private synchronized void resume() {
        if (server == null && !closed) {
            server = listen(port);
        }
    }

    private HttpServer listen(int onPort) {
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort);
            HttpServer s;
            if (tls == null) {
                s = HttpServer.create(address, 50);
            } else {
                HttpsServer https = HttpsServer.create(address, 50);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                s = https;
            }
            s.createContext("/", this::exchange);
            s.setExecutor(executor);
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + onPort, e);
        }
    }

    private void exchange(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String query = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int status = 200;
            Object answer;
            try {
                answer = answer(method, path, query, body, exchange.getRequestHeaders().getFirst("Authorization"));
            } catch (MasterError e) {
                status = e.status();
                answer = e.body();
            } catch (RuntimeException e) {
                status = 500;
                answer = new MasterError(500, MasterError.INTERNAL, "stand-in failure: " + e).body();
            }
            Map<String, List<String>> headers = new LinkedHashMap<>(exchange.getRequestHeaders());
            // recorded before answering, so a client that has its answer finds its request here
            log.add(new RecordedRequest(method, path, query, headers, body, status));
            byte[] bytes = PythonJson.wire(answer).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private Object answer(String method, String path, String query, String body, String authorization) {
        faults.awaitDelay(method, path);
        Optional<MasterError> injected = faults.failure(method, path);
        if (injected.isPresent()) {
            throw injected.get();
        }
        Router.Match match = router.resolve(method, path);
        User user = match.route().authenticated() ? state.users().authenticate(authorization) : null;
        Object answer = match.route().handler().answer(new Call(match.path(), query, body, user));
        Optional<MasterError> lost = faults.lostAnswer(method, path);
        if (lost.isPresent()) {
            throw lost.get();
        }
        return answer;
    }
}
