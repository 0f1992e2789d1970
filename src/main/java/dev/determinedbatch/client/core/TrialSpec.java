package dev.determinedbatch.client.core;

import dev.determinedbatch.storage.CheckpointStorage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code core_v2.init} is given: the experiment and trial to report to. Every field but the
 * storage is optional, as in Determined.
 *
 * @param externalExperimentId upsert key of the experiment; without it each init makes a new one
 * @param externalTrialId      upsert key of the trial; needs {@code externalExperimentId}
 * @param name                 experiment name; default {@code unmanaged-<8 hex>}
 * @param hparams              the trial's hyperparameters (JSON-like values), or null
 * @param searcher             default {@code {metric: unmanaged, name: single}}
 * @param data                 the experiment config's {@code data} section, or null
 */
public record TrialSpec(
        String externalExperimentId,
        String externalTrialId,
        String name,
        Map<String, Object> hparams,
        List<String> labels,
        String description,
        String workspace,
        String project,
        Map<String, Object> searcher,
        Map<String, Object> data,
        CheckpointStorage checkpointStorage) {

    public TrialSpec {
        Objects.requireNonNull(checkpointStorage, "checkpointStorage");
        if (externalTrialId != null && externalExperimentId == null) {
            throw new IllegalArgumentException("an external trial id ('" + externalTrialId
                    + "') needs an external experiment id too, as in Determined's core_v2.init");
        }
        hparams = hparams == null ? null : copy(hparams);
        labels = labels == null ? null : List.copyOf(labels);
        searcher = searcher == null ? null : copy(searcher);
        data = data == null ? null : copy(data);
    }

    private static Map<String, Object> copy(Map<String, Object> map) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    public static Builder builder(CheckpointStorage storage) {
        return new Builder(storage);
    }

    /** Builds a {@link TrialSpec}; unset fields stay null, as in {@code core_v2.init}. */
    public static final class Builder {
        private final CheckpointStorage storage;
        private String externalExperimentId;
        private String externalTrialId;
        private String name;
        private Map<String, Object> hparams;
        private List<String> labels;
        private String description;
        private String workspace;
        private String project;
        private Map<String, Object> searcher;
        private Map<String, Object> data;

        private Builder(CheckpointStorage storage) {
            this.storage = storage;
        }

        public Builder externalExperimentId(String id) {
            this.externalExperimentId = id;
            return this;
        }

        public Builder externalTrialId(String id) {
            this.externalTrialId = id;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder hparams(Map<String, Object> hparams) {
            this.hparams = hparams;
            return this;
        }

        public Builder labels(List<String> labels) {
            this.labels = labels;
            return this;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder workspace(String workspace) {
            this.workspace = workspace;
            return this;
        }

        public Builder project(String project) {
            this.project = project;
            return this;
        }

        public Builder searcher(Map<String, Object> searcher) {
            this.searcher = searcher;
            return this;
        }

        public Builder data(Map<String, Object> data) {
            this.data = data;
            return this;
        }

        public TrialSpec build() {
            return new TrialSpec(externalExperimentId, externalTrialId, name, hparams, labels,
                    description, workspace, project, searcher, data, storage);
        }
    }
}
