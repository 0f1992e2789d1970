package dev.determinedbatch.standin;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the master knows: experiments, trials and their runs, metrics, checkpoints, storage
 * configs and task logs. Thread-safe; every read returns an immutable snapshot. The times it
 * records come from the injected {@link Clock}.
 */
public final class MasterState {

    /** What {@code POST /api/v1/trials/{id}/start} answers. latestCheckpoint may be null. */
    public record TrialStart(int trialRunId, long stepsCompleted, String latestCheckpoint) {
    }

    private final Clock clock;
    private final Users users = new Users();
    private final Map<Long, Experiment> experiments = new LinkedHashMap<>();
    private final Map<Long, Trial> trials = new LinkedHashMap<>();
    private final MetricLog metrics = new MetricLog();
    private final CheckpointTable checkpoints = new CheckpointTable();
    private final Map<Long, Map<String, Object>> storages = new LinkedHashMap<>();
    private final Map<String, List<String>> taskLogs = new LinkedHashMap<>();
    private long nextExperimentId = 1;
    private long nextTrialId = 1;

    public MasterState(Clock clock) {
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    public Users users() {
        return users;
    }

    // --- experiments

    /** Upsert on the external id: the same id keeps its experiment and gets the new config. */
    public synchronized Experiment putExperiment(String externalId, String yaml, String username) {
        Map<String, Object> config = ExperimentConfig.parse(yaml);
        for (Experiment e : experiments.values()) {
            if (externalId.equals(e.externalId())) {
                Experiment updated = e.withConfig(ExperimentConfig.name(config, e.id()), config, yaml);
                experiments.put(e.id(), updated);
                return updated;
            }
        }
        return addExperiment(externalId, config, yaml, username);
    }

    public synchronized Experiment createExperiment(String yaml, String username) {
        return addExperiment(null, ExperimentConfig.parse(yaml), yaml, username);
    }

    private Experiment addExperiment(String externalId, Map<String, Object> config, String yaml,
                                     String username) {
        long id = nextExperimentId++;
        Experiment e = new Experiment(id, externalId, ExperimentConfig.name(config, id), config,
                yaml, username, "STATE_ACTIVE", clock.instant(), null);
        experiments.put(id, e);
        return e;
    }

    public synchronized Experiment experiment(long id) {
        Experiment e = experiments.get(id);
        if (e == null) {
            throw MasterError.notFound("experiment " + id + " not found");
        }
        return e;
    }

    public synchronized List<Experiment> experiments() {
        return List.copyOf(experiments.values());
    }

    public synchronized int numTrials(long experimentId) {
        return (int) trials.values().stream().filter(t -> t.experimentId() == experimentId).count();
    }

    // --- trials

    /** Upsert on (experiment, external trial id); the task id is "expId.externalTrialId". */
    public synchronized Trial putTrial(long experimentId, String externalTrialId,
                                       Map<String, Object> hparams) {
        experiment(experimentId);
        for (Trial t : trials.values()) {
            if (t.experimentId() == experimentId && externalTrialId.equals(t.externalTrialId())) {
                return t;
            }
        }
        return addTrial(experimentId, externalTrialId, experimentId + "." + externalTrialId, hparams);
    }

    public synchronized Trial createTrial(long experimentId, Map<String, Object> hparams) {
        experiment(experimentId);
        String taskId = experimentId + "." + nextTrialId;
        for (int n = 2; taskTrial(taskId).isPresent(); n++) {
            taskId = experimentId + "." + nextTrialId + "-" + n;
        }
        return addTrial(experimentId, null, taskId, hparams);
    }

    private Trial addTrial(long experimentId, String externalTrialId, String taskId,
                           Map<String, Object> hparams) {
        long id = nextTrialId++;
        Trial t = new Trial(id, experimentId, externalTrialId, taskId, hparams, "STATE_ACTIVE", 0,
                clock.instant(), null, null, null, 0, null);
        trials.put(id, t);
        followTrials(experimentId);
        return t;
    }

    public synchronized Trial trial(long id) {
        Trial t = trials.get(id);
        if (t == null) {
            throw MasterError.notFound("trial " + id + " not found");
        }
        return t;
    }

    public synchronized List<Trial> trials() {
        return List.copyOf(trials.values());
    }

    private Optional<Trial> taskTrial(String taskId) {
        return trials.values().stream().filter(t -> t.taskId().equals(taskId)).findFirst();
    }

    /**
     * A new run of the trial. From run 2 on it names the COMPLETED checkpoint with the most
     * steps: that is all a resuming client learns about where to continue.
     */
    public synchronized TrialStart startTrial(long trialId) {
        Trial t = trial(trialId).withNextRun();
        trials.put(trialId, t);
        followTrials(t.experimentId());
        if (t.runId() > 1) {
            Optional<Checkpoint> latest = checkpoints.latestCompleted(trialId);
            if (latest.isPresent()) {
                return new TrialStart(t.runId(), latest.get().stepsCompleted(), latest.get().uuid());
            }
        }
        return new TrialStart(t.runId(), 0, null);
    }

    /** Records the run's storage config; the same config always gets the same id. */
    public synchronized long startRun(long trialId, Map<String, Object> storage) {
        Trial t = trial(trialId);
        Map<String, Object> frozen = Fields.freeze(storage);
        long storageId = storages.entrySet().stream()
                .filter(e -> e.getValue().equals(frozen)).map(Map.Entry::getKey)
                .findFirst().orElse((long) storages.size() + 1);
        storages.put(storageId, frozen);
        trials.put(trialId, t.withStorage(storageId));
        return storageId;
    }

    /** Sets a state (terminal ones set the end time), or with null records a heartbeat. */
    public synchronized Trial patchTrial(long trialId, String state) {
        Trial t = trial(trialId);
        if (state == null) {
            t = t.withHeartbeat(clock.instant());
        } else {
            if (!Trial.STATES.contains(state)) {
                throw MasterError.invalidArgument("invalid trial state: " + state);
            }
            t = t.withState(state, Trial.TERMINAL.contains(state) ? clock.instant() : null);
        }
        trials.put(trialId, t);
        followTrials(t.experimentId());
        return t;
    }

    public synchronized void reportProgress(long trialId, double progress) {
        trials.put(trialId, trial(trialId).withProgress(progress));
    }

    /** The experiment state follows its trials: it ends when all of them have ended. */
    private void followTrials(long experimentId) {
        List<Trial> own = trials.values().stream()
                .filter(t -> t.experimentId() == experimentId).toList();
        Experiment e = experiments.get(experimentId);
        if (own.isEmpty() || !own.stream().allMatch(Trial::ended)) {
            experiments.put(experimentId, e.withState("STATE_ACTIVE", null));
            return;
        }
        String state = own.stream().anyMatch(t -> t.state().equals("STATE_ERROR")) ? "STATE_ERROR"
                : own.stream().anyMatch(t -> t.state().equals("STATE_CANCELED")) ? "STATE_CANCELED"
                : "STATE_COMPLETED";
        experiments.put(experimentId, e.withState(state,
                e.endTime() != null && e.state().equals(state) ? e.endTime() : clock.instant()));
    }

    // --- metrics

    /** Refused with "invalid run id" unless runId is the trial's current run. */
    public synchronized void reportMetrics(long trialId, String group, int runId, long steps,
                                           Map<String, Object> avg, List<Object> batch,
                                           Instant reportTime) {
        Trial t = trial(trialId);
        if (runId != t.runId()) {
            throw MasterError.invalidArgument("invalid run id, %d (reported) != %d (expected)"
                    .formatted(runId, t.runId()));
        }
        metrics.report(trialId, runId, group, steps, avg, batch,
                reportTime != null ? reportTime : clock.instant());
        if (group.equals("training")) {
            trials.put(trialId, t.withTotalBatches(steps));
        }
    }

    /** Every metrics row of the trial, archived ones included, in arrival order. */
    public synchronized List<MetricReport> metrics(long trialId) {
        return metrics.forTrial(trialId);
    }

    public synchronized List<MetricReport> metrics() {
        return metrics.all();
    }

    // --- checkpoints

    /** Stores a COMPLETED checkpoint of the trial that owns the task id. */
    public synchronized Checkpoint reportCheckpoint(String uuid, String taskId, String allocationId,
                                                    Map<String, Object> metadata,
                                                    Map<String, Long> resources, Long storageId,
                                                    Instant reportTime) {
        Trial t = taskTrial(taskId).orElseThrow(
                () -> MasterError.notFound("task " + taskId + " not found"));
        Checkpoint c = new Checkpoint(uuid, taskId, t.id(), allocationId, metadata, resources,
                CheckpointTable.COMPLETED, storageId,
                reportTime != null ? reportTime : clock.instant());
        checkpoints.add(c);
        return checkpoints.get(uuid).orElseThrow();
    }

    public synchronized Optional<Checkpoint> findCheckpoint(String uuid) {
        return checkpoints.get(uuid);
    }

    /** Every checkpoint of the trial, deleted ones included, in report order. */
    public synchronized List<Checkpoint> checkpoints(long trialId) {
        trial(trialId);
        return checkpoints.forTrial(trialId);
    }

    public synchronized List<Checkpoint> checkpoints() {
        return checkpoints.all();
    }

    public synchronized void deleteCheckpoints(List<String> uuids) {
        checkpoints.delete(uuids);
    }

    // --- storage and logs

    /** Storage configs by storage id, as {@code runs/start} received them. */
    public synchronized Map<Long, Map<String, Object>> storages() {
        return Map.copyOf(storages);
    }

    public synchronized void appendTaskLog(String taskId, String line) {
        taskLogs.computeIfAbsent(taskId, k -> new ArrayList<>()).add(line);
    }

    /** The lines logged for a task, without their trailing newline. */
    public synchronized List<String> taskLogs(String taskId) {
        return List.copyOf(taskLogs.getOrDefault(taskId, List.of()));
    }
}
