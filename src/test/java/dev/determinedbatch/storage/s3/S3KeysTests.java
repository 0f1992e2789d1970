package dev.determinedbatch.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Determined's {@code normalize_prefix} and key layout, with the values Python gives. */
class S3KeysTests {

    private static final String UUID = "00944a54-7c2e-4402-8e77-88a7e8988b22";

    /** normalize_prefix(prefix) and f"{os.path.join(prefix, uuid)}/w.bin", as CPython computes them. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|''",
            "/|''",
            "///|''",
            "//a//b/|a/b",
            "a/./b/.|a/b",
            "a/b/..x|a/b/..x",
            ".|.",
            "./a|a",
            "...|...",
    }, emptyValue = "")
    void normalisesThePrefixAsDetermined(String prefix, String normalised) {
        S3Keys keys = new S3Keys(prefix);
        assertThat(keys.prefix()).isEqualTo(normalised);
        String base = normalised.isEmpty() ? UUID : normalised + "/" + UUID;
        assertThat(keys.objectKey(UUID, "w.bin")).isEqualTo(base + "/w.bin");
        assertThat(keys.objectKey(UUID, "sub/")).isEqualTo(base + "/sub/");
        assertThat(keys.manifestKey(UUID)).isEqualTo((normalised.isEmpty() ? "" : normalised + "/")
                + ".checksums/" + UUID + ".json");
    }

    @Test
    void noPrefixIsTheBucketRoot() {
        assertThat(new S3Keys(null).objectKey(UUID, "metadata.json")).isEqualTo(UUID + "/metadata.json");
    }

    /** Determined's banned patterns: "..", "../x", "x/..", "x/../y". */
    @ParameterizedTest
    @ValueSource(strings = {"..", "../a", "a/..", "a/../b", "/a/../b/", "a/b/c/../../d"})
    void refusesAPrefixThatClimbsOut(String prefix) {
        assertThatThrownBy(() -> new S3Keys(prefix)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(prefix);
    }

    @Test
    void refusesAnythingButAUuid() {
        assertThatThrownBy(() -> new S3Keys("p").objectKey("../x", "w")).isInstanceOf(IllegalArgumentException.class);
    }
}
