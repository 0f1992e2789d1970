package dev.determinedbatch.client.master;

import dev.determinedbatch.client.core.LogLine;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.RunSupersededException;
import dev.determinedbatch.client.core.TrialBackend;
import dev.determinedbatch.client.core.TrialInfo;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.storage.StoredCheckpoint;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A trial recorded by a Determined master, with the calls and bodies of Determined's
 * {@code core_v2} (see PROTOCOL.md). Reports are retried, and stay exact: when a retry is refused
 * because the master already holds what a try with a lost answer sent (a metric key at that step
 * and run, a checkpoint uuid), the report counts as delivered. Reports carry their own ids, so
 * that a later session (or the leftover courier, which starts no run) can deliver what an earlier
 * run left.
 */
public final class MasterBackend implements TrialBackend {

    private static final Logger LOG = Logger.getLogger(MasterBackend.class.getName());

    private final MasterConnection master;
    private volatile TrialInfo trial;

    public MasterBackend(MasterConnection master) {
        this.master = master;
    }

    @Override
    public TrialInfo start(TrialSpec spec, Map<String, Object> storageConfig, BeforeRun beforeRun) {
        master.authenticate();
        long experimentId = experiment(spec, storageConfig);
        MasterAnswer.Trial created = trial(spec, experimentId);
        long trialId = created.id();
        String taskId = created.taskId();

        String clusterId = clusterId();
        beforeRun.trialKnown(trialKeyPrefix(clusterId) + trialId);

        String start = new MasterRequest.StartTrial(trialId).body();
        MasterAnswer.TrialStarted started = master.call("POST /api/v1/trials/" + trialId + "/start",
                api -> api.startTrial(trialId, start), MasterAnswer.TrialStarted::from);
        String latest = started.latestCheckpoint();

        String run = new MasterRequest.StartRun(trialId, storageConfig).body();
        Long storageId = master.call("POST /api/v1/runs/start", api -> api.startRun(run),
                MasterAnswer.RunStarted::from).storageId();

        trial = new TrialInfo(experimentId, trialId, started.trialRunId(), taskId, clusterId, latest,
                started.stepsCompleted(), storageId, false);
        setState(TrialState.RUNNING);
        LogCode.TRIAL_RUN_STARTED.log(LOG, trialId, experimentId, taskId, started.trialRunId(), master.url(),
                latest == null ? "none" : latest);
        return trial;
    }

    private String clusterId() {
        return master.call("GET /api/v1/master", MasterApi::masterInfo, MasterAnswer.MasterInfo::from).clusterId();
    }

    /**
     * How the trial keys of this master begin (asks the master for its cluster id): a trial's key
     * is this followed by its id, e.g. {@code master-<cluster id>-trial-7}.
     */
    public String trialKeyPrefix() {
        return trialKeyPrefix(clusterId());
    }

    /** Trial ids are per master, and the cluster id names the master for good. */
    private static String trialKeyPrefix(String clusterId) {
        return "master-" + (clusterId == null ? "unknown" : clusterId) + "-trial-";
    }

    private long experiment(TrialSpec spec, Map<String, Object> storageConfig) {
        String body = new MasterRequest.CreateExperiment(ExperimentConfig.yaml(spec, storageConfig)).body();
        MasterAnswer.Experiment answer = spec.externalExperimentId() != null
                ? master.call("PUT /api/v1/experiments/by-external-id/" + spec.externalExperimentId(),
                        api -> api.putExperiment(spec.externalExperimentId(), body), MasterAnswer.Experiment::from)
                : master.call("POST /api/v1/experiments", api -> api.createExperiment(body), MasterAnswer.Experiment::from);
        return answer.id();
    }

    private MasterAnswer.Trial trial(TrialSpec spec, long experimentId) {
        MasterRequest.CreateTrial create = new MasterRequest.CreateTrial(experimentId, spec.hparams());
        if (spec.externalTrialId() != null) {
            String body = new MasterRequest.PutTrial(create, spec.externalTrialId()).body();
            return master.call("PUT /api/v1/trials", api -> api.putTrial(body), MasterAnswer.Trial::from);
        }
        String body = create.body();
        return master.call("POST /api/v1/trials", api -> api.createTrial(body), MasterAnswer.Trial::from);
    }

    @Override
    public void heartbeat() {
        long id = trial().trialId();
        String body = new MasterRequest.PatchTrial(id, null).body();
        master.call("PATCH /api/v1/trials/" + id + " (heartbeat)", api -> api.patchTrial(id, body));
    }

    @Override
    public void deliver(Report report, boolean retry) {
        if (report instanceof Report.Metrics m) {
            reportMetrics(m, retry);
        } else if (report instanceof Report.Progress p) {
            String body = new MasterRequest.Progress(p.progress()).body();
            master.call("POST /api/v1/trials/" + p.trialId() + "/progress", api -> api.reportProgress(p.trialId(), body));
        } else if (report instanceof Report.Checkpoint c) {
            reportCheckpoint(c, retry);
        } else if (report instanceof Report.FinalState f) {
            patchState(f.trialId(), f.state());
        } else {
            throw new IllegalArgumentException("unknown report " + report);
        }
    }

    private void reportMetrics(Report.Metrics m, boolean retry) {
        String body = new MasterRequest.Metrics(m.trialId(), m.trialRunId(), m.metrics()).body();
        String what = "POST /api/v1/trials/" + m.trialId() + "/metrics (" + m.metrics().group() + ", step "
                + m.metrics().stepsCompleted() + ")";
        try {
            master.callOnce(what, api -> api.reportMetrics(m.trialId(), body), MasterBackend::isMergeRefusal, retry);
        } catch (MasterException e) {
            if (e.masterMessage().contains("invalid run id")) {
                throw new RunSupersededException(m.describe() + " can no longer be delivered: the trial has a newer run ("
                        + e.getMessage() + ")", e);
            }
            throw e;
        }
    }

    private void reportCheckpoint(Report.Checkpoint c, boolean retry) {
        StoredCheckpoint checkpoint = c.checkpoint();
        String json = new MasterRequest.ReportCheckpoint(checkpoint, c.taskId(), c.storageId(), c.reportTime()).body();
        master.callOnce("POST /api/v1/checkpoints (" + checkpoint.uuid() + ")",
                api -> api.reportCheckpoint(json), refused -> masterHolds(checkpoint.uuid()), retry);
    }

    /**
     * The master refuses to merge a report whose keys it holds at that step and run: after a lost
     * answer, that means the lost try was stored.
     */
    private static boolean isMergeRefusal(MasterException refused) {
        return refused.masterMessage().contains("overwriting existing metric keys")
                || refused.masterMessage().contains("overwriting batch metrics");
    }

    private boolean masterHolds(String uuid) {
        try {
            MasterAnswer.Checkpoint held = master.call("GET /api/v1/checkpoints/" + uuid,
                    api -> api.getCheckpoint(uuid), MasterAnswer.Checkpoint::from);
            return uuid.equals(held.uuid()) && held.isCompleted();
        } catch (MasterException notThere) {
            return false;
        }
    }

    @Override
    public void deleteCheckpoints(List<String> uuids) {
        String body = new MasterRequest.DeleteCheckpoints(uuids).body();
        master.call("DELETE /api/v1/checkpoints " + uuids, api -> api.deleteCheckpoints(body));
    }

    @Override
    public void setState(TrialState state) {
        patchState(trial().trialId(), state);
    }

    /** What close sends (PROTOCOL.md, close); the same whoever sends it, and whenever. */
    private void patchState(long id, TrialState state) {
        String body = new MasterRequest.PatchTrial(id, state).body();
        master.call("PATCH /api/v1/trials/" + id + " (" + state.wireName() + ")", api -> api.patchTrial(id, body));
    }

    @Override
    public void shipLogs(List<LogLine> lines) {
        if (lines.isEmpty()) {
            return;
        }
        String taskId = trial().taskId();
        String body = new MasterRequest.TaskLogs(taskId,
                lines.stream().map(line -> new MasterRequest.TaskLogs.Line(line.timestamp(), line.text())).toList()).body();
        master.call("POST /task-logs (" + lines.size() + " lines)", api -> api.shipLogs(body));
    }

    @Override
    public void close() {
        master.close();
    }

    private TrialInfo trial() {
        TrialInfo t = trial;
        if (t == null) {
            throw new IllegalStateException("the trial has not been started");
        }
        return t;
    }
}
