package dev.determinedbatch.batch.support;

import dev.determinedbatch.log.LogCode;
import dev.determinedbatch.training.DigitsDataset;
import dev.determinedbatch.training.MalformedDatasetException;
import dev.determinedbatch.training.SkippedRow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

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

    private static final Logger LOG = Logger.getLogger(TrainingData.class.getName());

    public static TrainingData of(DigitsDataset.Loaded loaded) {
        return new TrainingData(loaded.dataset().split(), loaded.dataset().size(), loaded.skippedRows());
    }

    /**
     * Loads a job's dataset, a file {@link DatasetRoots} allows or, when {@code dataset} is null,
     * the bundled digits, skipping up to {@code skipLimit} malformed rows, each logged as a WARNING
     * (the first {@value DigitsDataset#KEPT_SKIPPED_ROWS}; the rest counted). The file is opened
     * where the check found it leads, and not through a symbolic link put there since.
     *
     * @throws IllegalArgumentException naming where the dataset came from, the file and the
     *                                  problem: no such file, not gzip, or more malformed rows than
     *                                  the limit (with their count and the first of them)
     */
    public static TrainingData load(DatasetFile dataset, int skipLimit) {
        String name = dataset == null ? "the bundled digits" : dataset.path().toString();
        String source = dataset == null ? "job parameter 'dataset'" : dataset.source();
        DigitsDataset.Loaded loaded;
        try (InputStream in = dataset == null ? DigitsDataset.bundledStream()
                : Files.newInputStream(dataset.real(), LinkOption.NOFOLLOW_LINKS)) {
            loaded = DigitsDataset.load(in, skipLimit);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(source + ": no file " + name);
        } catch (MalformedDatasetException e) {
            throw new IllegalArgumentException(source + ": " + name + " has " + e.malformedRows()
                    + " malformed rows, more than job parameter 'datasetSkipLimit' allows (" + e.skipLimit()
                    + "); the first: " + SkippedRow.listed(e.firstMalformed()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": cannot read " + name + ": " + e.getMessage(), e);
        }
        logSkipped(name, loaded);
        return of(loaded);
    }

    private static void logSkipped(String name, DigitsDataset.Loaded loaded) {
        for (SkippedRow row : loaded.firstSkipped()) {
            LogCode.DATASET_ROW_SKIPPED.log(LOG, name, row);
        }
        int unnamed = loaded.skippedRows() - loaded.firstSkipped().size();
        if (unnamed > 0) {
            LogCode.DATASET_ROWS_SKIPPED_UNLOGGED.log(LOG, name, unnamed);
        }
        if (loaded.skippedRows() > 0) {
            LogCode.DATASET_ROWS_SKIPPED.log(LOG, name, loaded.skippedRows(), loaded.dataset().size());
        }
    }

    /** The counts as metrics: {@code rows} and {@code skippedRows}. */
    public Map<String, Object> metrics() {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("rows", rows);
        metrics.put("skippedRows", skippedRows);
        return metrics;
    }
}
