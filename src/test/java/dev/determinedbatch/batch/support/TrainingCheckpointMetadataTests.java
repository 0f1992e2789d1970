package dev.determinedbatch.batch.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.determinedbatch.json.JsonText;
import dev.determinedbatch.json.PythonJson;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingCheckpointMetadataTests {

    private static final TrialIdentity TRIAL = new TrialIdentity("train", "train-7");

    private static TrainingCheckpointMetadata full() {
        return new TrainingCheckpointMetadata(90, 1, 1, 1350L, "train", 7L, 12L, TRIAL, 3L, 4L, "ab12",
                Map.of("training", Map.of("loss", 0.5)));
    }

    @Test
    void writesTheKeysInTheOrderCheckpointsHaveAlwaysCarried() {
        // the metadata.json bytes of checkpoints written before this record existed
        assertThat(full().toMap()).containsExactly(
                Map.entry("steps_completed", 90L), Map.entry("determined_batch_format", 1),
                Map.entry("trainer_format_version", 1), Map.entry("total_steps", 1350L), Map.entry("job_name", "train"),
                Map.entry("job_instance_id", 7L), Map.entry("job_execution_id", 12L),
                Map.entry("external_experiment_id", "train"), Map.entry("external_trial_id", "train-7"),
                Map.entry("determined_experiment_id", 3L), Map.entry("determined_trial_id", 4L),
                Map.entry("model_sha256", "ab12"), Map.entry("metrics", Map.of("training", Map.of("loss", 0.5))));
    }

    @Test
    void readsBackWhatItWroteThroughTheJsonOfMetadataJson() {
        Map<String, Object> stored = JsonText.readJsonObject(PythonJson.indented(full().toMap()));
        assertThat(TrainingCheckpointMetadata.read("u", stored)).isEqualTo(full());
    }

    @Test
    void readsACheckpointWithOnlyStepsFormatAndTrial() {
        Map<String, Object> minimal = new LinkedHashMap<>();
        minimal.put("steps_completed", 180);
        minimal.put("determined_batch_format", 1);
        minimal.put("external_experiment_id", "train");
        minimal.put("external_trial_id", "train-7");
        TrainingCheckpointMetadata read = TrainingCheckpointMetadata.read("u", minimal);
        assertThat(read.stepsCompleted()).isEqualTo(180);
        assertThat(read.trial()).isEqualTo(TRIAL);
        assertThat(read.totalSteps()).isNull();
        assertThat(read.metrics()).isEmpty();
    }

    @Test
    void refusesAnotherFormatVersionAWrongTypeOrNoTrialNamingTheKey() {
        Map<String, Object> metadata = new LinkedHashMap<>(full().toMap());
        metadata.put("determined_batch_format", 99);
        assertThatThrownBy(() -> TrainingCheckpointMetadata.read("u1", metadata)).hasMessage(
                "checkpoint u1 has format version 99 (determined_batch_format); this server reads version 1");
        metadata.put("determined_batch_format", 1);
        metadata.put("total_steps", "many");
        assertThatThrownBy(() -> TrainingCheckpointMetadata.read("u1", metadata))
                .hasMessageStartingWith("checkpoint u1 metadata: field 'total_steps' must be an integer, got");
        metadata.put("total_steps", 1350);
        metadata.remove("external_trial_id");
        assertThatThrownBy(() -> TrainingCheckpointMetadata.read("u1", metadata))
                .hasMessageContaining("names no trial");
    }

    @Test
    void tellsTheTrialsOfASharedStorageApart() {
        Map<String, Object> metadata = full().toMap();
        assertThat(TrainingCheckpointMetadata.belongsTo(metadata, TRIAL)).isTrue();
        assertThat(TrainingCheckpointMetadata.belongsTo(metadata, new TrialIdentity("train", "train-8"))).isFalse();
        assertThat(TrainingCheckpointMetadata.belongsTo(Map.of("steps_completed", 1), TRIAL)).isFalse();
    }
}
