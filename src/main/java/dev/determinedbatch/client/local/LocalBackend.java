package dev.determinedbatch.client.local;

import dev.determinedbatch.client.core.DeterminedException;
import dev.determinedbatch.client.core.LogLine;
import dev.determinedbatch.client.core.MetricReport;
import dev.determinedbatch.client.core.Report;
import dev.determinedbatch.client.core.TrialBackend;
import dev.determinedbatch.client.core.TrialInfo;
import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.client.core.TrialState;
import dev.determinedbatch.json.JsonFields;
import dev.determinedbatch.json.PythonJson;
import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.storage.StoredCheckpoint;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The trial record when no master is configured: events appended to a JSON-lines file (and the
 * log), checkpoints found in the checkpoint storage. A trial is known by its external ids; each
 * checkpoint carries them in {@value #TRIAL_KEY}, so trials sharing a directory never resume
 * from each other. The latest checkpoint is the complete one of the trial with the highest
 * {@code steps_completed}.
 */
public final class LocalBackend implements TrialBackend {

    public static final String TRIAL_KEY = "local_trial_id";
    private static final Logger LOG = Logger.getLogger(LocalBackend.class.getName());

    private final Path metricsFile;
    private final Clock clock;
    private BufferedWriter out;
    private String trialId;
    private int runId;

    public LocalBackend(Path metricsFile, Clock clock) {
        this.metricsFile = metricsFile.toAbsolutePath();
        this.clock = clock;
    }

    @Override
    public synchronized TrialInfo start(TrialSpec spec, Map<String, Object> storageConfig, BeforeRun beforeRun) {
        trialId = spec.externalTrialId() != null
                ? spec.externalExperimentId() + "/" + spec.externalTrialId()
                : "local-" + UUID.randomUUID();
        try {
            Files.createDirectories(metricsFile.getParent());
            out = Files.newBufferedWriter(metricsFile, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new DeterminedException("cannot open the local metrics file " + metricsFile + ": " + e.getMessage(), e);
        }
        try {
            runId = previousRuns();
        } catch (IOException e) {
            throw new DeterminedException("cannot read the local metrics file " + metricsFile + ": " + e.getMessage(), e);
        }
        // what an earlier session left was made by the last run: its events carry that run's number
        beforeRun.trialKnown("local-" + trialId.replaceAll("[^A-Za-z0-9._-]", "_"));
        runId++;
        Optional<StoredCheckpoint> latest = latestCheckpoint(spec);
        TrialInfo info = new TrialInfo(0, 0, runId, "local." + trialId, null,
                latest.map(StoredCheckpoint::uuid).orElse(null),
                latest.map(StoredCheckpoint::stepsCompleted).orElse(0L), null, true);
        append(event(runId, "start", "storage", storageConfig));
        setState(TrialState.RUNNING);
        LogCode.LOCAL_TRIAL_RUN_STARTED.log(LOG, trialId, runId, metricsFile,
                info.latestCheckpointUuid().orElse("none"));
        return info;
    }

    private int previousRuns() throws IOException {
        if (!Files.exists(metricsFile)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(metricsFile, StandardCharsets.UTF_8)) {
            return (int) lines.filter(line -> line.contains("\"start\""))
                    .filter(this::isStartOfThisTrial)
                    .count();
        }
    }

    private boolean isStartOfThisTrial(String line) {
        try {
            JsonFields event = JsonFields.parse(line, metricsFile.toString());
            return "start".equals(event.value("event")) && trialId.equals(event.value("trial"));
        } catch (IllegalArgumentException torn) {
            return false; // a line cut short by a crash
        }
    }

    private Optional<StoredCheckpoint> latestCheckpoint(TrialSpec spec) {
        try {
            return spec.checkpointStorage().list().stream()
                    .filter(c -> trialId.equals(c.metadata().get(TRIAL_KEY)))
                    .max(Comparator.comparingLong(StoredCheckpoint::stepsCompleted));
        } catch (IOException e) {
            throw new DeterminedException("cannot list checkpoints in " + spec.checkpointStorage().config()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, Object> checkpointTags() {
        return Map.of(TRIAL_KEY, trialId);
    }

    @Override
    public void heartbeat() {
        // nobody watches a local trial's liveness
    }

    @Override
    public void deliver(Report report, boolean retry) {
        if (report instanceof Report.Metrics m) {
            MetricReport metrics = m.metrics();
            append(event(m.trialRunId(), "metrics", "group", metrics.group(), "steps_completed", metrics.stepsCompleted(),
                    "metrics", metrics.avgMetrics(), "batch_metrics", metrics.batchMetrics()));
            // every training step at INFO would drown the log; validation comes seldom
            boolean training = MetricReport.TRAINING.equals(metrics.group());
            if (LOG.isLoggable(training ? Level.FINE : LogCode.LOCAL_METRICS.level())) {
                Object[] logged =
                        {trialId, metrics.group(), metrics.stepsCompleted(), PythonJson.wire(metrics.avgMetrics())};
                if (training) {
                    LogCode.LOCAL_METRICS.fine(LOG, logged);
                } else {
                    LogCode.LOCAL_METRICS.log(LOG, logged);
                }
            }
        } else if (report instanceof Report.Progress p) {
            append(event(runId, "progress", "progress", p.progress()));
        } else if (report instanceof Report.Checkpoint c) {
            append(event(runId, "checkpoint", "uuid", c.checkpoint().uuid(),
                    "steps_completed", c.checkpoint().stepsCompleted()));
            LogCode.LOCAL_CHECKPOINT.log(LOG, trialId, c.checkpoint().uuid(), c.checkpoint().stepsCompleted());
        } else if (report instanceof Report.FinalState f) {
            append(event(f.trialRunId(), "state", "state", f.state().wireName()));
        } else {
            throw new IllegalArgumentException("unknown report " + report);
        }
    }

    @Override
    public void deleteCheckpoints(List<String> uuids) {
        append(event(runId, "checkpoints_deleted", "uuids", uuids));
    }

    @Override
    public void setState(TrialState state) {
        append(event(runId, "state", "state", state.wireName()));
    }

    @Override
    public void shipLogs(List<LogLine> lines) {
        // the JVM's own log already holds them
    }

    private Map<String, Object> event(int run, String kind, Object... fields) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("time", clock.instant().toString());
        event.put("trial", trialId);
        event.put("run", run);
        event.put("event", kind);
        for (int i = 0; i < fields.length; i += 2) {
            event.put((String) fields[i], fields[i + 1]);
        }
        return event;
    }

    private synchronized void append(Map<String, Object> event) {
        try {
            out.write(PythonJson.wire(event));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the local metrics file " + metricsFile, e);
        }
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LogCode.LOCAL_METRICS_FILE_NOT_CLOSED.logThrown(LOG, e, metricsFile);
            }
        }
    }
}
