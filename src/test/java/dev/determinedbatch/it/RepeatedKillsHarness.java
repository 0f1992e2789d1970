package dev.determinedbatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.testsupport.BootableJar;
import dev.determinedbatch.standin.StandInMaster;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code mvn -q -Pkill-test verify -Dkills=N [-Dkill.seed=S]}: one training job through N kills
 * with {@code kill -9}, each at a random moment (after 1 to 3 further checkpoints, plus up to 2 s,
 * so also mid-chunk), each followed by a new server on the same data directory and a restart of
 * the recovered execution; the last run must end with the weights of an uninterrupted one. The
 * seed is printed first, so that a failing sequence can be repeated. Not a {@code *IT}: only the
 * profile runs it.
 */
class RepeatedKillsHarness {

    private static final Duration CHECKPOINT_WAIT = Duration.ofSeconds(120);

    @Test
    void trainingSurvivesRepeatedKills() throws Exception {
        int kills = Integer.getInteger("kills", 3);
        long seed = Long.getLong("kill.seed", new SecureRandom().nextLong());
        System.out.println("kill-test: seed " + seed + ", " + kills + " kills (repeat: -Dkill.seed=" + seed + ")");
        Random random = new Random(seed);
        String context = "seed " + seed;

        Path work = Files.createDirectories(Path.of("target", "kill-test")).toAbsolutePath();
        Path dataDir = Files.createTempDirectory(work, "data-");
        Path log = work.resolve(dataDir.getFileName() + ".log");
        int standInPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            standInPort = socket.getLocalPort();
        }
        try (StandInMaster master = StandInMaster.start(standInPort)) {
            String masterUrl = "http://127.0.0.1:" + standInPort;
            BootableJar server = BootableJar.start(dataDir, masterUrl, log);
            try {
                TrainingApi api = new TrainingApi(server.url());
                master.clearRequests();
                long execution = api.start("train", parameters("killed")).executionId();
                for (int kill = 1; kill <= kills; kill++) {
                    int checkpoints = 1 + random.nextInt(3);
                    long extraMillis = random.nextInt(2000);
                    awaitCheckpoints(master, checkpoints, context);
                    // the random moment is the point of this harness: no condition to wait for
                    Thread.sleep(extraMillis);
                    long pid = server.pid();
                    server.kill(-9);
                    server.close();
                    System.out.println("kill-test: kill " + kill + " of " + kills + ": execution " + execution
                            + " after " + checkpoints + " checkpoint(s) + " + extraMillis + " ms, pid " + pid);
                    server = BootableJar.start(dataDir, masterUrl, log);
                    api = new TrainingApi(server.url());
                    Map<String, Object> left = api.get("api/jobexecutions/" + execution).body();
                    if ("COMPLETED".equals(left.get("batchStatus"))) {
                        System.out.println("kill-test: execution " + execution + " had completed before kill " + kill);
                        break;
                    }
                    assertThat(left).as(context).containsEntry("batchStatus", "FAILED");
                    assertThat((String) left.get("exitStatus")).as(context)
                            .startsWith("FAILED: recovered after crash of server ").endsWith(", pid " + pid + ")");
                    master.clearRequests();
                    execution = api.restart(execution, context);
                }
                api.assertCompletesWithTheWeightsOfAnUninterruptedRun(execution, parameters("reference"), context);
                server.stop();
            } finally {
                server.close();
            }
        }
    }

    /** Waits for {@code count} more checkpoint reports, each bounded. */
    private static void awaitCheckpoints(StandInMaster master, int count, String context) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            master.awaitRequest(r -> r.method().equals("POST") && r.path().equals("/api/v1/checkpoints"),
                    CHECKPOINT_WAIT).orElseThrow(() -> new AssertionError(context + ": no checkpoint reported"));
            master.clearRequests();
        }
    }

    private static Map<String, String> parameters(String trial) {
        return TrainingApi.longRun("kill-test", trial, 600, 31);
    }
}
