package dev.determinedbatch.client;

import dev.determinedbatch.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A scheduler and clock that move only when a test says so. */
public final class ManualScheduler extends Clock implements Scheduler {

    private record Task(Instant due, Runnable task, boolean[] cancelled) {
    }

    private Instant now;
    private final List<Task> tasks = new ArrayList<>();
    private final List<Duration> scheduled = new ArrayList<>();

    public ManualScheduler(Instant start) {
        this.now = start;
    }

    public ManualScheduler() {
        this(Instant.parse("2026-11-29T13:38:34.899012Z"));
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(now.plus(delay), task, new boolean[1]);
        tasks.add(t);
        scheduled.add(delay);
        notifyAll();
        return () -> {
            synchronized (ManualScheduler.this) {
                t.cancelled()[0] = true;
                tasks.remove(t);
            }
        };
    }

    /** Moves time forward, running every task that falls due, in order. */
    public void advance(Duration duration) {
        Instant end;
        synchronized (this) {
            end = now.plus(duration);
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> !t.due().isAfter(end))
                        .min(Comparator.comparing(Task::due)).orElse(null);
                if (next == null) {
                    now = end;
                    return;
                }
                tasks.remove(next);
                now = next.due();
            }
            next.task().run();
        }
    }

    /**
     * The delay of every task scheduled so far, in order, once there are {@code count}: for tasks
     * another thread schedules. Waits on this scheduler for them, at most 10 s of real time.
     */
    public synchronized List<Duration> awaitScheduled(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (scheduled.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " scheduled tasks, got " + scheduled);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(scheduled);
    }

    public synchronized int pending() {
        return tasks.size();
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
