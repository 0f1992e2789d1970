package dev.determinedbatch.standin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Faults a test turns on: failed answers, an outage, refused connections, slow answers and
 * expired tokens. Every faulted request is still recorded, with the status it got. Thread-safe.
 */
public final class Faults {

    /** How the stand-in stops and restarts its listener on the same port. */
    interface Listener {
        void stopListening();

        void startListening();
    }

    private record Failure(String method, Pattern path, int status, int[] remaining) {
    }

    /** A request the master carries out, whose answer is replaced, as by a proxy timing out. */
    private record LostAnswer(String method, Pattern path, int status, int[] remaining) {
    }

    private record Delay(String method, Pattern path, Duration duration, CountDownLatch release) {
    }

    private final Listener listener;
    private final Users users;
    private final List<Failure> failures = new ArrayList<>();
    private final List<LostAnswer> lostAnswers = new ArrayList<>();
    private boolean outage;
    private Delay delay;
    private int held;

    Faults(Listener listener, Users users) {
        this.listener = listener;
        this.users = users;
    }

    /**
     * The next {@code times} requests with this method (null: any) and a path matching the
     * regex get {@code status} and a master-style error body; later ones are answered normally.
     */
    public synchronized Faults failNext(int times, String method, String pathRegex, int status) {
        failures.add(new Failure(method, Pattern.compile(pathRegex), status, new int[] {times}));
        return this;
    }

    /**
     * The next {@code times} matching requests are carried out, but answered with
     * {@code status} instead: a retrying client then sends again what the master already has.
     */
    public synchronized Faults loseAnswers(int times, String method, String pathRegex, int status) {
        lostAnswers.add(new LostAnswer(method, Pattern.compile(pathRegex), status, new int[] {times}));
        return this;
    }

    /** The next {@code times} requests, whatever they are, get {@code status}. */
    public Faults failNext(int times, int status) {
        return failNext(times, null, ".*", status);
    }

    /** Every request gets 503 until {@link #endOutage()} or {@link #clear()}. */
    public synchronized Faults beginOutage() {
        outage = true;
        return this;
    }

    public synchronized Faults endOutage() {
        outage = false;
        return this;
    }

    /** Requests wait this long before they are answered, until released or cleared. */
    public Faults delay(Duration duration) {
        return delay(null, ".*", duration);
    }

    /** Only requests with this method (null: any) and a matching path wait. */
    public synchronized Faults delay(String method, String pathRegex, Duration duration) {
        releaseDelays();
        delay = new Delay(method, Pattern.compile(pathRegex), duration, new CountDownLatch(1));
        return this;
    }

    /** Answers the waiting requests now and ends the delay. */
    public synchronized void releaseDelays() {
        if (delay != null) {
            delay.release().countDown();
            delay = null;
        }
    }

    /**
     * Waits until at least {@code count} requests are held by a delay, at most {@code timeout}.
     * Lets a test act while a client's request is known to be in flight.
     *
     * @return whether that many were held in time
     */
    public synchronized boolean awaitHeld(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (held < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Closes the listener: connections are refused until {@link #acceptConnections()}. */
    public Faults refuseConnections() {
        listener.stopListening();
        return this;
    }

    /** Listens again, on the same port. */
    public Faults acceptConnections() {
        listener.startListening();
        return this;
    }

    /** Every token issued so far becomes invalid (401); logging in again works. */
    public Faults expireTokens() {
        users.expireTokens();
        return this;
    }

    /** Ends every fault: failures, outage, delays (waiting requests are answered), refusal. */
    public void clear() {
        synchronized (this) {
            failures.clear();
            lostAnswers.clear();
            outage = false;
            releaseDelays();
        }
        listener.startListening();
    }

    // --- used while answering

    /** Waits as a delay asks, at most its duration; returns at once when released. */
    void awaitDelay(String method, String path) {
        Delay current;
        synchronized (this) {
            current = delay;
        }
        if (current == null || !matches(current.method(), current.path(), method, path)) {
            return;
        }
        changeHeld(+1);
        try {
            current.release().await(current.duration().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            changeHeld(-1);
        }
    }

    private synchronized void changeHeld(int by) {
        held += by;
        notifyAll();
    }

    /** The injected failure this request gets, if any; counts it against its rule. */
    synchronized Optional<MasterError> failure(String method, String path) {
        if (outage) {
            return Optional.of(MasterError.forStatus(503, "service unavailable (injected outage)"));
        }
        for (Iterator<Failure> it = failures.iterator(); it.hasNext(); ) {
            Failure f = it.next();
            if (matches(f.method(), f.path(), method, path)) {
                if (--f.remaining()[0] <= 0) {
                    it.remove();
                }
                return Optional.of(MasterError.forStatus(f.status(),
                        "injected failure: " + f.status()));
            }
        }
        return Optional.empty();
    }

    /** The status that replaces this carried-out request's answer, if its answer is to be lost. */
    synchronized Optional<MasterError> lostAnswer(String method, String path) {
        for (Iterator<LostAnswer> it = lostAnswers.iterator(); it.hasNext(); ) {
            LostAnswer lost = it.next();
            if (matches(lost.method(), lost.path(), method, path)) {
                if (--lost.remaining()[0] <= 0) {
                    it.remove();
                }
                return Optional.of(MasterError.forStatus(lost.status(), "injected lost answer: " + lost.status()));
            }
        }
        return Optional.empty();
    }

    private static boolean matches(String wantedMethod, Pattern wantedPath, String method, String path) {
        return (wantedMethod == null || wantedMethod.equalsIgnoreCase(method))
                && wantedPath.matcher(path).matches();
    }
}
