package dev.determinedbatch.client.master;

import static org.assertj.core.api.Assertions.assertThat;

import dev.determinedbatch.client.core.TrialSpec;
import dev.determinedbatch.storage.CheckpointStorage;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class ExperimentConfigTests {

    private static final Map<String, Object> STORAGE = Map.of("type", "directory", "container_path", "/data/checkpoints");

    @Test
    void writesWhatThePythonClientWritesForDefaults() {
        TrialSpec spec = TrialSpec.builder(anyStorage()).externalExperimentId("my-exp-ext").name("my-exp").build();
        // byte for byte the config in golden/run1.jsonl
        assertThat(ExperimentConfig.yaml(spec, new java.util.TreeMap<>(STORAGE))).isEqualTo(
                "checkpoint_storage: {container_path: /data/checkpoints, type: directory}\n"
                        + "data: null\ndescription: null\nlabels: null\nname: my-exp\nproject: null\n"
                        + "searcher: {metric: unmanaged, name: single}\nworkspace: null\n");
    }

    @Test
    void quotesWhatYamlWouldMisread() {
        TrialSpec spec = TrialSpec.builder(anyStorage()).name("exp-b").description("desc: with colon")
                .labels(List.of("a", "b", "true", "123", "it's")).data(Map.of("url", "s3://x"))
                .project("Uncategorized").workspace("Uncategorized").build();
        Map<String, Object> parsed = new Yaml().load(ExperimentConfig.yaml(spec, STORAGE));
        assertThat(parsed).containsEntry("description", "desc: with colon")
                .containsEntry("labels", List.of("a", "b", "true", "123", "it's"))
                .containsEntry("data", Map.of("url", "s3://x"))
                .containsEntry("checkpoint_storage", STORAGE)
                .containsEntry("searcher", Map.of("metric", "unmanaged", "name", "single"));
    }

    @Test
    void namesAnUnnamedExperimentAsDetermined() {
        Map<String, Object> parsed = new Yaml().load(ExperimentConfig.yaml(TrialSpec.builder(anyStorage()).build(), STORAGE));
        assertThat((String) parsed.get("name")).matches("unmanaged-[0-9a-f]{8}");
    }

    static CheckpointStorage anyStorage() {
        return (CheckpointStorage) Proxy.newProxyInstance(CheckpointStorage.class.getClassLoader(),
                new Class<?>[] {CheckpointStorage.class}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
