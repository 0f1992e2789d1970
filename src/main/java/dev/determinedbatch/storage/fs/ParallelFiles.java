package dev.determinedbatch.storage.fs;

import dev.determinedbatch.storage.CheckpointFile;
import dev.determinedbatch.storage.ChecksummingChannel;
import dev.determinedbatch.storage.FileChecksum;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Writes and reads a checkpoint's files several at a time, on at most {@code parallelism} daemon
 * threads of one storage (idle ones end after a while). Each file is written once through a
 * {@link ChecksummingChannel}, so its checksum needs no second read, and synced once.
 */
final class ParallelFiles {

    /** At most this many files of one storage are written or checked at once. */
    static final int DEFAULT_PARALLELISM = 4;

    private final ThreadPoolExecutor threads;

    ParallelFiles(int parallelism, String name) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallel file writes must be at least 1, got " + parallelism);
        }
        this.threads = new ThreadPoolExecutor(parallelism, parallelism, 10, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread t = new Thread(runnable, name);
                    t.setDaemon(true);
                    return t;
                });
        threads.allowCoreThreadTimeOut(true);
    }

    /** Its threads, for other work on a checkpoint's files (checking them on restore). */
    Executor executor() {
        return threads;
    }

    /**
     * Writes each file into {@code root} (its directories exist), syncs it with {@code sync},
     * and returns its checksum, by name in the order given.
     *
     * @throws IOException the first failure by the order given, the others added to it; every
     *                     write has ended when this returns
     */
    Map<String, FileChecksum> write(Path root, Map<String, CheckpointFile> files, FileSync sync) throws IOException {
        return write(root, files, sync, () -> {
        });
    }

    /**
     * As {@link #write(Path, Map, FileSync)}, and runs {@code meanwhile} on the calling thread
     * while the files are written, so that its own sync waits beside theirs, not after them.
     *
     * @throws IOException the failure of {@code meanwhile} first, then the files' by the order
     *                     given; every write has ended when this returns
     */
    Map<String, FileChecksum> write(Path root, Map<String, CheckpointFile> files, FileSync sync, Meanwhile meanwhile)
            throws IOException {
        Map<String, Callable<FileChecksum>> tasks = new LinkedHashMap<>();
        files.forEach((name, content) -> tasks.put(name, () -> write(root.resolve(name), content, sync)));
        return run(tasks, meanwhile);
    }

    /** Work of the calling thread while the files are written. */
    @FunctionalInterface
    interface Meanwhile {

        void run() throws IOException;
    }

    private static FileChecksum write(Path file, CheckpointFile content, FileSync sync) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ChecksummingChannel counted = new ChecksummingChannel(channel);
            content.writeTo(counted);
            counted.close();
            sync.file(file, channel);
            return counted.checksum();
        }
    }

    /**
     * Runs the tasks, several at a time; their results by key in the order given.
     *
     * @throws IOException the first failure by that order, the others added to it; every task
     *                     has ended when this returns
     */
    <T> Map<String, T> run(Map<String, Callable<T>> tasks) throws IOException {
        return run(tasks, () -> {
        });
    }

    private <T> Map<String, T> run(Map<String, Callable<T>> tasks, Meanwhile meanwhile) throws IOException {
        Map<String, Future<T>> running = new LinkedHashMap<>();
        tasks.forEach((key, task) -> running.put(key, threads.submit(task)));
        Map<String, T> results = new LinkedHashMap<>();
        List<Throwable> failures = new ArrayList<>();
        try {
            meanwhile.run();
        } catch (IOException | RuntimeException | Error e) {
            failures.add(e); // the tasks still use the files: wait for them before throwing
        }
        boolean interrupted = false;
        for (Map.Entry<String, Future<T>> task : running.entrySet()) {
            while (true) {
                try {
                    results.put(task.getKey(), task.getValue().get());
                    break;
                } catch (ExecutionException e) {
                    failures.add(e.getCause());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the files are in use until their tasks end: wait on
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            if (failures.isEmpty()) {
                failures.add(new InterruptedIOException("interrupted while writing checkpoint files"));
            }
        }
        if (!failures.isEmpty()) {
            throw first(failures);
        }
        return results;
    }

    private static IOException first(List<Throwable> failures) {
        Throwable first = failures.get(0);
        IOException thrown = first instanceof IOException io ? io : null;
        if (thrown == null) {
            if (first instanceof RuntimeException runtime) {
                failures.subList(1, failures.size()).forEach(runtime::addSuppressed);
                throw runtime;
            }
            if (first instanceof Error error) {
                throw error;
            }
            thrown = new IOException(first);
        }
        for (Throwable other : failures.subList(1, failures.size())) {
            thrown.addSuppressed(other);
        }
        return thrown;
    }
}
