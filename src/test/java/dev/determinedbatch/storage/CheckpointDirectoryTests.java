package dev.determinedbatch.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointDirectoryTests {

    private static final String UUID = "00944a54-7c2e-4402-8e77-88a7e8988b22";
    private final CheckpointDirectory directory = new CheckpointDirectory(
            new StoredCheckpoint(UUID, Map.of("steps_completed", 1L), Map.of()), Path.of("/data/c", UUID));

    @Test
    void resolvesResourcesInside() {
        assertThat(directory.resolve("sub/w.bin")).isEqualTo(Path.of("/data/c", UUID, "sub", "w.bin"));
        assertThat(directory.resolve("sub/../state")).isEqualTo(Path.of("/data/c", UUID, "state"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "/etc/passwd", "sub/../../x", "..", "."})
    void refusesPathsLeavingTheCheckpoint(String path) {
        assertThatThrownBy(() -> directory.resolve(path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resource path '" + path + "' escapes checkpoint " + UUID + " (/data/c/" + UUID + ")");
    }
}
