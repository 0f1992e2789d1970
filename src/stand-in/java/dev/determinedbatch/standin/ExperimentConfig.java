package dev.determinedbatch.standin;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/** Parses an experiment config the way the master re-reads the client's YAML. */
final class ExperimentConfig {

    private ExperimentConfig() {
    }

    /**
     * The config as JSON-like values (Long, Double, String, Boolean, Map, List, null).
     *
     * @throws MasterError 400 when the YAML is malformed or not a mapping, or when
     *                     {@code checkpoint_storage} is present but not a mapping
     */
    static Map<String, Object> parse(String yaml) {
        Object parsed;
        try {
            parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            throw MasterError.invalidArgument("invalid experiment config YAML: "
                    + e.getMessage().replaceAll("\\s+", " "));
        }
        if (!(parsed instanceof Map<?, ?>)) {
            throw MasterError.invalidArgument(
                    "invalid experiment config: expected a YAML mapping, got: " + parsed);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) normalize(parsed);
        Object storage = config.get("checkpoint_storage");
        if (storage != null && !(storage instanceof Map<?, ?>)) {
            throw MasterError.invalidArgument(
                    "invalid experiment config: checkpoint_storage must be a mapping");
        }
        return config;
    }

    /** The name in the config, else the default the Python client would have written. */
    static String name(Map<String, Object> config, long experimentId) {
        Object name = config.get("name");
        return name != null ? name.toString() : "unmanaged-%08x".formatted(experimentId);
    }

    private static Object normalize(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), normalize(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(normalize(v)));
            return out;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value == null || value instanceof String || value instanceof Boolean
                || value instanceof Double) {
            return value;
        }
        return value.toString(); // dates and other YAML scalars: as text
    }
}
