package dev.determinedbatch.bench;

import dev.determinedbatch.testsupport.Trees;
import dev.determinedbatch.client.SessionOptions;
import dev.determinedbatch.client.TrialSession;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.master.Credentials;
import dev.determinedbatch.client.master.MasterSettings;
import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.storage.CheckpointStorage;
import dev.determinedbatch.storage.StoredCheckpoint;
import dev.determinedbatch.storage.fs.FileSystemStorages;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Prints what the client costs, each figure next to a baseline measured in the same run:
 * the calling thread's cost of a metric report, reports per second delivered to the master
 * stand-in over loopback, and checkpoint store and restore throughput as a ratio to copying the
 * same bytes plainly (with and without fsync).
 *
 * <p>{@code mvn -q -DskipTests test-compile exec:java@client-benchmark [-Dbench.mib=64 -Dbench.reports=20000]}
 */
public final class ClientBenchmark {

    private ClientBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int reports = Integer.getInteger("bench.reports", 20_000);
        int mib = Integer.getInteger("bench.mib", 64);
        int rounds = Integer.getInteger("bench.rounds", 5);
        Path work = Files.createTempDirectory("determined-batch-bench");
        try {
            metrics(work, reports);
            checkpoints(work, mib, rounds);
        } finally {
            Trees.delete(work);
        }
    }

    private static void metrics(Path work, int reports) throws IOException {
        try (StandInMaster master = StandInMaster.start()) {
            CheckpointStorage storage = FileSystemStorages.open(work.resolve("metric-checkpoints").toString());
            MasterSettings settings = MasterSettings.of(master.url(), Credentials.password("determined", ""));
            // a queue that holds every report: the calling thread's own cost, not the network's
            SessionOptions options = SessionOptions.master(settings).withMetricQueueCapacity(reports * 2);
            TrialSpec spec = TrialSpec.builder(storage).name("bench").build();
            try (TrialSession session = TrialSession.init(spec, options)) {
                warmUp(session, Math.min(2_000, reports));
                Map<String, Object> values = Map.of("loss", 0.25, "accuracy", 0.9);
                long start = System.nanoTime();
                for (int step = 1; step <= reports; step++) {
                    session.metrics().reportTrainingMetrics(step, values);
                }
                long called = System.nanoTime();
                session.metrics().flush();
                long delivered = System.nanoTime();

                long baselineStart = System.nanoTime();
                long sink = 0;
                for (int step = 1; step <= reports; step++) {
                    sink += Map.of("loss", 0.25, "accuracy", 0.9, "step", step).size();
                }
                long baseline = System.nanoTime() - baselineStart;
                System.out.printf("metric report, calling thread: %.0f ns/call (baseline: building the map, %.0f ns/op; ratio %.1f)%n",
                        (called - start) / (double) reports, baseline / (double) reports,
                        (called - start) / (double) Math.max(1, baseline));
                System.out.printf("metric reports delivered to the stand-in over loopback: %.0f reports/s (%d reports, %.2f s)%n",
                        reports / ((delivered - start) / 1e9), reports, (delivered - start) / 1e9);
                if (sink == 42) {
                    System.out.println();
                }
            }
        }
    }

    private static void warmUp(TrialSession session, int reports) {
        for (int step = 1; step <= reports; step++) {
            session.metrics().reportValidationMetrics(step, Map.of("loss", 1.0));
        }
        session.metrics().flush();
    }

    private static void checkpoints(Path work, int mib, int rounds) throws IOException {
        Path source = work.resolve("weights.bin");
        byte[] chunk = new byte[1 << 20];
        new Random(7).nextBytes(chunk);
        try (FileChannel out = FileChannel.open(source, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < mib; i++) {
                out.write(java.nio.ByteBuffer.wrap(chunk));
            }
        }
        CheckpointStorage storage = FileSystemStorages.open(work.resolve("checkpoints").toString());
        long[] plain = new long[rounds];
        long[] plainSynced = new long[rounds];
        long[] store = new long[rounds];
        long[] restore = new long[rounds];
        long[] plainRead = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            Path copy = work.resolve("copy-" + r);
            long t0 = System.nanoTime();
            Files.copy(source, copy);
            plain[r] = System.nanoTime() - t0;

            Path synced = work.resolve("synced-" + r);
            t0 = System.nanoTime();
            Files.copy(source, synced);
            try (FileChannel channel = FileChannel.open(synced, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            plainSynced[r] = System.nanoTime() - t0;

            t0 = System.nanoTime();
            StoredCheckpoint stored = storage.store(Map.of("steps_completed", (long) r),
                    dir -> Files.copy(source, dir.resolve("weights.bin")));
            store[r] = System.nanoTime() - t0;

            Path restored = work.resolve("restored-" + r);
            t0 = System.nanoTime();
            storage.restore(stored.uuid(), checkpoint -> Files.copy(checkpoint.resolve("weights.bin"), restored));
            restore[r] = System.nanoTime() - t0;

            Path reread = work.resolve("reread-" + r);
            t0 = System.nanoTime();
            Files.copy(copy, reread);
            plainRead[r] = System.nanoTime() - t0;

            for (Path p : new Path[] {copy, synced, restored, reread}) {
                Files.delete(p);
            }
            storage.delete(stored.uuid());
        }
        double mb = mib;
        System.out.printf("checkpoint store of %d MiB: %.0f MiB/s; plain copy %.0f MiB/s (ratio %.2f), copy + fsync %.0f MiB/s (ratio %.2f)%n",
                mib, mb / median(store), mb / median(plain), median(store) / median(plain),
                mb / median(plainSynced), median(store) / median(plainSynced));
        System.out.printf("checkpoint restore of %d MiB: %.0f MiB/s; plain copy %.0f MiB/s (ratio %.2f)%n",
                mib, mb / median(restore), mb / median(plainRead), median(restore) / median(plainRead));
        System.out.printf("(medians of %d rounds; ratio = our time / baseline time, 1.00 = as fast as the plain copy)%n", rounds);
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e9;
    }

}
