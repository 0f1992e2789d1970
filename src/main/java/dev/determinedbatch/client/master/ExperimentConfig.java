package dev.determinedbatch.client.master;

import dev.determinedbatch.client.core.TrialSpec;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The experiment config of a detached trial, as YAML in the style Determined's client writes it
 * (PyYAML with {@code default_flow_style=None}: sorted top-level keys, nested values in flow
 * style). The master re-parses it, so only its content matters; the style keeps diffs against
 * the Python client readable.
 */
final class ExperimentConfig {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_/][A-Za-z0-9_./ -]*");
    private static final Pattern RESERVED = Pattern.compile(
            "(?i)null|~|true|false|yes|no|on|off|y|n|\\.nan|\\.inf|-\\.inf");

    private ExperimentConfig() {
    }

    static String yaml(TrialSpec spec, Map<String, Object> storageConfig) {
        Map<String, Object> config = new TreeMap<>();
        config.put("checkpoint_storage", storageConfig);
        config.put("data", spec.data());
        config.put("description", spec.description());
        config.put("labels", spec.labels());
        config.put("name", spec.name() != null ? spec.name() : defaultName());
        config.put("project", spec.project());
        config.put("searcher", spec.searcher() != null ? spec.searcher() : defaultSearcher());
        config.put("workspace", spec.workspace());
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Object> e : config.entrySet()) {
            out.append(e.getKey()).append(": ");
            flow(out, e.getValue());
            out.append('\n');
        }
        return out.toString();
    }

    static String defaultName() {
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return "unmanaged-" + HexFormat.of().formatHex(random);
    }

    private static Map<String, Object> defaultSearcher() {
        Map<String, Object> searcher = new LinkedHashMap<>();
        searcher.put("metric", "unmanaged");
        searcher.put("name", "single");
        return searcher;
    }

    private static void flow(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            String separator = "";
            for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
                out.append(separator);
                scalar(out, String.valueOf(e.getKey()));
                out.append(": ");
                flow(out, e.getValue());
                separator = ", ";
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            String separator = "";
            for (Object item : list) {
                out.append(separator);
                flow(out, item);
                separator = ", ";
            }
            out.append(']');
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            scalar(out, value.toString());
        }
    }

    private static void scalar(StringBuilder out, String s) {
        boolean plain = PLAIN.matcher(s).matches() && !RESERVED.matcher(s).matches()
                && !s.endsWith(" ") && !s.contains(" #") && !s.contains(": ");
        if (plain) {
            out.append(s);
            return;
        }
        boolean printable = s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        if (printable) {
            out.append('\'').append(s.replace("'", "''")).append('\'');
            return;
        }
        out.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
