package dev.determinedbatch.storage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointUuidTests {

    @ParameterizedTest
    @ValueSource(strings = {"../etc", "a/b", "00944A54-7C2E-4402-8E77-88A7E8988B22", "00944a54-7c2e-4402-8e77-88a7e8988b2",
        "00944a54-7c2e-4402-8e77-88a7e8988b22/", "00944a547c2e44028e7788a7e8988b22", ""})
    void refusesAnythingButCanonicalLowerCase(String candidate) {
        assertThat(CheckpointUuid.isValid(candidate)).isFalse();
        assertThatThrownBy(() -> CheckpointUuid.require(candidate))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + candidate + "' is not a checkpoint uuid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"00944a54-7c2e-4402-8e77-88a7e8988b22"})
    void acceptsDeterminedsForm(String uuid) {
        assertThat(CheckpointUuid.require(uuid)).isEqualTo(uuid);
        String random = UUID.randomUUID().toString();
        assertThat(CheckpointUuid.require(random)).isEqualTo(random);
    }
}
