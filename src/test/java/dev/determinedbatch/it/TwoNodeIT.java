package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.standin.StandInMaster;
import dev.determinedbatch.storage.s3.S3TestServer;
import dev.determinedbatch.testsupport.BootableJar;
import dev.determinedbatch.testsupport.PostgresTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes, two bootable-jar processes on one machine, sharing a PostgreSQL job repository, S3
 * checkpoint storage and one master (all started by the test, on loopback). Each node takes itself
 * for a machine of its own ({@code determined.batch.test.machine}), so that a node judges the other's
 * lease by its renewals alone, as across machines. A job started on node A is refused a restart on
 * node B while A lives; A is killed with {@code kill -9}; B marks the execution FAILED and its trial
 * ERROR once A's lease times out, restarts it through its API, and two restarts sent to two nodes at
 * once start it once; it completes with the weights of an uninterrupted run. Apart from that: two
 * nodes started at the same moment on an empty database both create the tables and serve.
 */
class TwoNodeIT {

    private static final String BUCKET = "checkpoints";
    private static final Duration LIMIT = Duration.ofSeconds(120);

    private Path work;
    private S3TestServer s3;
    private StandInMaster master;
    private Nodes nodes;

    /** Each test: its own database, S3 server (with the bucket) and master, all on loopback. */
    @BeforeEach
    void startSharedParts() throws Exception {
        work = Files.createDirectories(Path.of("target", "two-node-it")).toAbsolutePath();
        PostgresTestServer.Database database = PostgresTestServer.shared().createDatabase();
        s3 = new S3TestServer(Files.createTempDirectory(work, "s3-"));
        master = StandInMaster.start();
        s3.createBucket(BUCKET);
        nodes = new Nodes(work, database, s3, master);
    }

    @AfterEach
    void stopSharedParts() throws Exception {
        try (S3TestServer closedLast = s3; StandInMaster closedFirst = master) {
            // closed in reverse order, as the tests' try-with-resources did
        }
    }

    @Test
    void aJobOfANodeKilledWithKill9IsRecoveredAndFinishedByTheOtherNode() throws Exception {
        Map<String, String> parameters = TrainingApi.longRun("two-nodes", "killed", 120, 37);
        String trial = parameters.get("externalTrialId");
        Path dataA = Files.createTempDirectory(work, "data-a-");

        // one after the other: JBeret creates its tables when the first node starts
        try (BootableJar a = nodes.start("node-a", dataA); BootableJar b = nodes.start("node-b", null)) {
            TrainingApi onA = new TrainingApi(a.url());
            TrainingApi onB = new TrainingApi(b.url());
            long killed = onA.start("train", parameters).executionId();
            awaitCheckpoints(master, 1);

            TrainingApi.Answer refused = onB.post("api/jobexecutions/" + killed + "/restart", Map.of());
            assertThat(refused.status()).as("B's answer while A runs the execution: %s", refused).isEqualTo(409);
            assertThat(refused.text()).contains("pid " + a.pid());
            assertThat(onB.executionsOfTheInstanceOf(killed)).as("the refusal created no execution").isEqualTo(1);

            long killedPid = a.pid();
            assertThat(a.kill(9)).as("exit value after SIGKILL").isEqualTo(137);
            Map<String, Object> failed = onB.awaitExitStatus(killed, "FAILED: recovered after crash of server ");
            assertThat(failed).containsEntry("batchStatus", "FAILED");
            assertThat((String) failed.get("exitStatus")).endsWith(", pid " + killedPid + ")");
            // of another machine, A's pid told B nothing: B waited until A's lease timed out
            assertThat(awaitLogLine(b, "DETBATCH-0400 recovered job execution " + killed + " "))
                    .contains("pid " + killedPid + ") was last renewed at ", ", more than 3 s ago")
                    .doesNotContain("its process is gone");
            assertThat(StandInTrials.await(master, trial, "STATE_ERROR").state())
                    .as("the lost node's trial, not RUNNING forever").isEqualTo("STATE_ERROR");

            int reported = master.state().checkpoints().size();
            long onNodeB = onB.restart(killed, "restart on node B");
            awaitCheckpoints(master, reported + 1);
            assertThat(onB.post("api/jobexecutions/" + onNodeB + "/stop", Map.of()).status()).isLessThan(300);
            onB.awaitExitStatus(onNodeB, "STOPPED");

            try (BootableJar again = nodes.start("node-a", dataA)) {
                List<TrainingApi.Answer> answers = restartAtOnce(onNodeB, new TrainingApi(again.url()), onB);
                assertThat(answers).extracting(TrainingApi.Answer::status).as("%s", answers)
                        .containsExactlyInAnyOrder(200, 409);
                TrainingApi.Answer won = answers.stream().filter(answer -> answer.status() == 200)
                        .findFirst().orElseThrow();
                TrainingApi winner = answers.get(0) == won ? new TrainingApi(again.url()) : onB;
                assertThat(winner.executionsOfTheInstanceOf(onNodeB)).as("one restart, one new execution")
                        .isEqualTo(3);

                Map<String, String> reference = new LinkedHashMap<>(parameters);
                reference.put("externalTrialId", "reference-" + System.nanoTime());
                winner.assertCompletesWithTheWeightsOfAnUninterruptedRun(won.executionId(), reference,
                        "after kill -9 on node A, a restart and a stop on node B, and two restarts at once");
                assertThat(StandInTrials.await(master, trial, "STATE_COMPLETED").state())
                        .isEqualTo("STATE_COMPLETED");
                again.stop();
            }
            b.stop();
        }
    }

    @Test
    void twoNodesStartingAtOnceOnAnEmptyDatabaseBothCreateTheTablesAndServe() throws Exception {
        List<BootableJar> started = startAtOnce(nodes, "node-c", "node-d");
        try (BootableJar c = started.get(0); BootableJar d = started.get(1)) {
            TrainingApi onC = new TrainingApi(c.url());
            TrainingApi onD = new TrainingApi(d.url());
            assertThat(onC.jobInstances("train")).as("JBeret's tables, read through C").isZero();
            assertThat(onD.jobInstances("train")).as("JBeret's tables, read through D").isZero();

            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("epochs", "1");
            parameters.put("externalExperimentId", "two-nodes");
            parameters.put("externalTrialId", "at-once-" + System.nanoTime());
            long execution = onC.start("train", parameters).executionId();
            assertThat(onD.awaitEnd(execution)).as("C's execution, seen from D")
                    .containsEntry("batchStatus", "COMPLETED");
            for (BootableJar node : started) {
                assertThat(Files.readString(node.log(), StandardCharsets.UTF_8))
                        .as("the log of %s", node.log())
                        .contains("DETBATCH-0401 server ")
                        .doesNotContain("JBERET000624", "already exists", "duplicate key", "DETBATCH-0405");
            }
            c.stop();
            d.stop();
        }
    }

    /** Starts the nodes at the same moment (each waits until it serves); in the order named. */
    private static List<BootableJar> startAtOnce(Nodes nodes, String... nodeIds) throws Exception {
        ExecutorService starters = Executors.newFixedThreadPool(nodeIds.length);
        List<Future<BootableJar>> starting = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            for (String nodeId : nodeIds) {
                starting.add(starters.submit(() -> {
                    go.await();
                    return nodes.start(nodeId, null);
                }));
            }
            go.countDown();
            List<BootableJar> started = new ArrayList<>();
            for (Future<BootableJar> node : starting) {
                started.add(node.get(2 * LIMIT.toSeconds(), TimeUnit.SECONDS));
            }
            return started;
        } catch (Exception e) {
            for (Future<BootableJar> node : starting) {
                if (node.isDone() && !node.isCancelled()) {
                    try {
                        node.get().close();
                    } catch (java.util.concurrent.ExecutionException failedToStart) {
                        e.addSuppressed(failedToStart.getCause());
                    }
                }
            }
            throw e;
        } finally {
            starters.shutdownNow();
        }
    }

    /** Waits (bounded) until the node's log holds a line containing {@code text}; returns it. */
    private static String awaitLogLine(BootableJar node, String text) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(LIMIT);
        while (true) {
            for (String line : Files.readAllLines(node.log(), StandardCharsets.UTF_8)) {
                if (line.contains(text)) {
                    return line;
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no line with \"" + text + "\" in " + node.log() + " after " + LIMIT);
            }
            Thread.sleep(100);
        }
    }

    /** Restarts the execution through both nodes at the same moment; the answers in the nodes' order. */
    private static List<TrainingApi.Answer> restartAtOnce(long execution, TrainingApi... nodes) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(nodes.length);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<TrainingApi.Answer>> sent = new ArrayList<>();
            for (TrainingApi node : nodes) {
                Callable<TrainingApi.Answer> restart = () -> {
                    go.await();
                    return node.post("api/jobexecutions/" + execution + "/restart", Map.of());
                };
                sent.add(senders.submit(restart));
            }
            go.countDown();
            List<TrainingApi.Answer> answers = new ArrayList<>();
            for (Future<TrainingApi.Answer> answer : sent) {
                answers.add(answer.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            senders.shutdownNow();
        }
    }

    /** Waits (bounded) until the master holds at least {@code count} checkpoints. */
    private static void awaitCheckpoints(StandInMaster master, int count) throws InterruptedException {
        Instant deadline = Instant.now().plus(LIMIT);
        while (master.state().checkpoints().size() < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the master holds " + master.state().checkpoints().size()
                        + " checkpoints after " + LIMIT + ", not " + count);
            }
            Thread.sleep(100);
        }
    }

    /** How the test starts a node: the shared settings, its own node id, data directory and log. */
    private static final class Nodes {

        private final Path work;
        private final String master;
        private final Map<String, String> shared = new LinkedHashMap<>();

        Nodes(Path work, PostgresTestServer.Database database, S3TestServer s3, StandInMaster master)
                throws IOException {
            this.work = work;
            this.master = master.url();
            // the secrets: the job repository's password and the storage with its keys, never on a command line
            Path secrets = Files.createTempDirectory(work, "secrets-");
            Files.writeString(secrets.resolve("determined.batch.job-repository.password"), database.password(),
                    StandardCharsets.UTF_8);
            Files.writeString(secrets.resolve("det.checkpoint.storage"), "{\"type\": \"s3\", \"bucket\": \"" + BUCKET
                    + "\", \"prefix\": \"two-nodes\", \"endpoint_url\": \"" + s3.endpoint() + "\", \"access_key\": \""
                    + S3TestServer.ACCESS_KEY + "\", \"secret_key\": \"" + S3TestServer.SECRET_KEY + "\"}",
                    StandardCharsets.UTF_8);
            shared.put("determined.batch.job-repository.driver", "postgresql");
            shared.put("determined.batch.job-repository.url", database.url());
            shared.put("determined.batch.job-repository.user", database.user());
            shared.put("determined.batch.secrets.dir", secrets.toString());
            // short leases: a lost node is found within seconds
            shared.put("determined.batch.lease.period", "1");
            shared.put("determined.batch.lease.timeout", "3");
            // what recovery leaves for the master goes out soon
            shared.put("det.leftovers.period", "1");
        }

        /** Starts a node on {@code dataDir} (null: a new one) and waits until it serves. */
        BootableJar start(String nodeId, Path dataDir) throws IOException, InterruptedException {
            Path data = dataDir == null ? Files.createTempDirectory(work, "data-" + nodeId + "-") : dataDir;
            Map<String, String> properties = new LinkedHashMap<>(shared);
            properties.put("determined.batch.node.id", nodeId);
            // a machine of its own: no node judges another's lease by its pid
            properties.put("determined.batch.test.machine", nodeId);
            return BootableJar.start(data, master, work.resolve(data.getFileName() + ".log"), properties);
        }
    }
}
