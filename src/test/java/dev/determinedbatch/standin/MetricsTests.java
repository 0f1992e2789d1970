package dev.determinedbatch.standin;

import static dev.determinedbatch.standin.MasterCalls.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsTests {

    @AutoClose
    private final StandInMaster master = StandInMaster.start();
    private final MasterCalls calls = MasterCalls.as(master);
    private long trial;

    @BeforeEach
    void start() {
        trial = ((Number) calls.newTrial("metrics-exp").get("id")).longValue();
        calls.start(trial);
    }

    @Test
    void aReportOfAnotherRunIsRefusedWithInvalidRunId() {
        MasterCalls.Reply reply = calls.reportMetrics(trial, 2, "training", 1, map("loss", 0.5));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body()).containsEntry("code", 3L).containsKeys("message", "details");
        assertThat((String) reply.body().get("message")).contains("invalid run id");
        assertThat(master.state().metrics(trial)).isEmpty();
    }

    @Test
    void aLaterRunArchivesTheLostRunsLaterSteps() {
        calls.reportMetrics(trial, 1, "training", 10, map("loss", 1.0)).assertOk();
        calls.reportMetrics(trial, 1, "training", 20, map("loss", 0.5)).assertOk();
        calls.reportMetrics(trial, 1, "validation", 15, map("val_loss", 0.7)).assertOk();
        calls.reportMetrics(trial, 1, "validation", 10, map("val_loss", 0.9)).assertOk();
        calls.start(trial);

        calls.reportMetrics(trial, 2, "training", 15, map("loss", 0.6)).assertOk();
        // training at 15: run 1's training 20 archived, validation 15 kept (other partition, same step)
        assertThat(master.state().metrics(trial))
                .extracting(MetricReport::group, MetricReport::stepsCompleted, MetricReport::trialRunId,
                        MetricReport::archived)
                .containsExactly(
                        tuple("training", 10L, 1, false),
                        tuple("training", 20L, 1, true),
                        tuple("validation", 15L, 1, false),
                        tuple("validation", 10L, 1, false),
                        tuple("training", 15L, 2, false));

        calls.reportMetrics(trial, 2, "validation", 15, map("val_loss", 0.65)).assertOk();
        // validation at 15: run 1's validation at the same step is archived
        assertThat(master.state().metrics(trial))
                .filteredOn(r -> r.group().equals("validation"))
                .extracting(MetricReport::stepsCompleted, MetricReport::trialRunId, MetricReport::archived)
                .containsExactly(tuple(15L, 1, true), tuple(10L, 1, false), tuple(15L, 2, false));
        assertThat(master.state().trial(trial).totalBatchesProcessed()).isEqualTo(15);
    }

    @Test
    void reportsOfOneGroupAtOneStepInOneRunAreMerged() {
        calls.reportMetrics(trial, 1, "training", 5, map("loss", 0.5)).assertOk();
        calls.reportMetrics(trial, 1, "training", 5, map("acc", 0.9)).assertOk();
        calls.reportMetrics(trial, 1, "validation", 5, map("val_loss", 0.4)).assertOk();
        assertThat(master.state().metrics(trial)).hasSize(2);
        assertThat(master.state().metrics(trial).get(0).avgMetrics())
                .isEqualTo(map("loss", 0.5, "acc", 0.9));

        MasterCalls.Reply again = calls.reportMetrics(trial, 1, "training", 5, map("loss", 0.1));
        assertThat(again.status()).isEqualTo(400);
        assertThat((String) again.body().get("message")).contains("conflicting key: loss");
    }

    @Test
    void int64FieldsMayArriveAsStrings() {
        Map<String, Object> trialMetrics = map("metrics", map("avgMetrics", map("loss", "NaN"),
                        "batchMetrics", List.of(map("loss", 1.0))), "trialId", Long.toString(trial),
                "trialRunId", "1", "reportTime", "2026-01-01T00:00:00Z", "stepsCompleted", "5");
        calls.ok("POST", "/api/v1/trials/" + trial + "/metrics", map("group", "training", "metrics", trialMetrics));
        MetricReport report = master.state().metrics(trial).get(0);
        assertThat(report.stepsCompleted()).isEqualTo(5);
        assertThat(report.trialRunId()).isEqualTo(1);
        assertThat(report.avgMetrics()).containsEntry("loss", "NaN");
        assertThat(report.batchMetrics()).containsExactly(map("loss", 1.0));
    }

    @Test
    void customGroupsAreAcceptedButEmptyOrDottedGroupsAreNot() {
        calls.reportMetrics(trial, 1, "inference", 3, map("latency", 2.0)).assertOk();
        assertThat(calls.reportMetrics(trial, 1, "", 3, map("x", 1)).status()).isEqualTo(400);
        MasterCalls.Reply dotted = calls.reportMetrics(trial, 1, "a.b", 3, map("x", 1));
        assertThat(dotted.status()).isEqualTo(400);
        assertThat((String) dotted.body().get("message")).contains("a.b");
        assertThat(master.state().metrics(trial)).extracting(MetricReport::group).containsExactly("inference");
    }

    @Test
    void concurrentReportsAreAllKept() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int step = 1; step <= 200; step++) {
                long s = step;
                statuses.add(pool.submit(() -> calls.reportMetrics(trial, 1, "training", s, map("loss", 1.0 / s)).status()));
            }
            for (Future<Integer> status : statuses) {
                assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(master.state().metrics(trial)).hasSize(200)
                .extracting(MetricReport::stepsCompleted).doesNotHaveDuplicates();
    }

    @Test
    void metricsOfAnUnknownTrialAre404() {
        assertThat(calls.reportMetrics(999, 1, "training", 1, map("loss", 1)).status()).isEqualTo(404);
    }
}
