package dev.determinedbatch.batch.support;

import dev.determinedbatch.json.JsonFields;
import dev.determinedbatch.json.PythonJson;
import dev.determinedbatch.training.StepResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gathers per-step training results and hands out one report every K steps (and at the last
 * step): the averages plus every step's values as Determined's batch metrics. The steps not yet
 * reported are part of the training state, so a resumed run reports exactly what an
 * uninterrupted one does.
 */
public final class MetricAggregator {

    /** One report: averages over the steps since the last one, and the steps themselves. */
    public record Report(long stepsCompleted, Map<String, Object> averages, List<Map<String, Object>> batches) {
    }

    private final int every;
    private final List<StepResult> pending = new ArrayList<>();

    public MetricAggregator(int every, List<StepResult> pending) {
        if (every < 1) {
            throw new IllegalArgumentException("report interval must be at least 1 step, got " + every);
        }
        this.every = every;
        this.pending.addAll(pending);
    }

    /** Adds a step; returns the report due after it, if any. */
    public Optional<Report> add(StepResult step, boolean last) {
        pending.add(step);
        if (step.step() % every != 0 && !last) {
            return Optional.empty();
        }
        double loss = 0;
        double accuracy = 0;
        List<Map<String, Object>> batches = new ArrayList<>(pending.size());
        for (StepResult s : pending) {
            loss += s.loss();
            accuracy += s.accuracy();
            batches.add(values(s.loss(), s.accuracy()));
        }
        Report report = new Report(step.step(), values(loss / pending.size(), accuracy / pending.size()), batches);
        pending.clear();
        return Optional.of(report);
    }

    public List<StepResult> pending() {
        return List.copyOf(pending);
    }

    private static Map<String, Object> values(double loss, double accuracy) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("loss", loss);
        values.put("accuracy", accuracy);
        return values;
    }

    /** The pending steps as JSON; floats round-trip exactly through their shortest repr. */
    public static String toJson(List<StepResult> steps) {
        List<Object> out = new ArrayList<>();
        for (StepResult s : steps) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", s.step());
            m.put("epoch", s.epoch());
            m.put("loss", (double) s.loss());
            m.put("accuracy", (double) s.accuracy());
            m.put("endOfEpoch", s.endOfEpoch());
            out.add(m);
        }
        return PythonJson.indented(out);
    }

    public static List<StepResult> fromJson(String json) {
        List<StepResult> steps = new ArrayList<>();
        for (JsonFields m : JsonFields.parseArray(json, "pending metrics")) {
            steps.add(new StepResult(m.longValue("step"), m.intValue("epoch"), (float) m.doubleValue("loss"),
                    (float) m.doubleValue("accuracy"), Boolean.TRUE.equals(m.value("endOfEpoch"))));
        }
        return steps;
    }
}
