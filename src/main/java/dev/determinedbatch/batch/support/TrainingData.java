package dev.determinedbatch.batch.support;

import dev.determinedbatch.training.DigitsDataset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data one training job trains on: the split of the valid rows, and how many malformed rows
 * were skipped (within the job's {@code datasetSkipLimit}), which each run reports to Determined
 * as the metrics group {@value #METRIC_GROUP}.
 *
 * @param rows        the valid rows, training and validation
 * @param skippedRows malformed rows left out
 */
public record TrainingData(DigitsDataset.Split split, int rows, int skippedRows) {

    /** Determined's metrics group of the data's counts: one report a run, at the step it starts from. */
    public static final String METRIC_GROUP = "dataset";

    public static TrainingData of(DigitsDataset.Loaded loaded) {
        return new TrainingData(loaded.dataset().split(), loaded.dataset().size(), loaded.skippedRows());
    }

    /** The counts as metrics: {@code rows} and {@code skippedRows}. */
    public Map<String, Object> metrics() {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("rows", rows);
        metrics.put("skippedRows", skippedRows);
        return metrics;
    }
}
