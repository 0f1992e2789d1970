package dev.determinedbatch.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingParametersTests {

    @Test
    void refusesBadValuesNamingTheParameter() {
        assertThatThrownBy(() -> new TrainingParameters(1, 3, -1, 0.1f, 0.9f, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("batchSize must be positive, got -1");
        assertThatThrownBy(() -> new TrainingParameters(1, 3, 0, 0.1f, 0.9f, 0)).hasMessageStartingWith("batchSize");
        assertThatThrownBy(() -> new TrainingParameters(1, 0, 32, 0.1f, 0.9f, 0))
                .hasMessage("epochs must be positive, got 0");
        assertThatThrownBy(() -> new TrainingParameters(1, -2, 32, 0.1f, 0.9f, 0)).hasMessageStartingWith("epochs");
        for (float lr : new float[] {0f, -0.1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new TrainingParameters(1, 3, 32, lr, 0.9f, 0))
                    .hasMessageStartingWith("learningRate").hasMessageContaining(Float.toString(lr));
        }
        for (float momentum : new float[] {-0.1f, 1f, Float.NaN}) {
            assertThatThrownBy(() -> new TrainingParameters(1, 3, 32, 0.1f, momentum, 0))
                    .hasMessageStartingWith("momentum");
        }
        assertThatThrownBy(() -> new TrainingParameters(1, 3, 32, 0.1f, 0.9f, -1))
                .hasMessageStartingWith("hiddenUnits").hasMessageEndingWith("got -1");
    }

    @Test
    void asMapNamesEveryParameterWithTheDecimalTheUserWrote() {
        Map<String, Object> map = TrainingParameters.defaults().asMap();
        assertThat(map).containsOnlyKeys("seed", "epochs", "batchSize", "learningRate", "momentum", "hiddenUnits");
        assertThat(map.keySet()).containsExactly("seed", "epochs", "batchSize", "learningRate", "momentum", "hiddenUnits");
        assertThat(map).containsEntry("learningRate", 0.1).containsEntry("momentum", 0.9)
                .containsEntry("seed", 42L).containsEntry("epochs", 30).containsEntry("hiddenUnits", 64);
    }

    @Test
    void fromMapInvertsAsMapExactly() {
        TrainingParameters odd = new TrainingParameters(-7, 2, 17, Math.nextUp(0.1f), 0.3333333f, 5);
        assertThat(TrainingParameters.fromMap(odd.asMap())).isEqualTo(odd);
        assertThat(TrainingParameters.fromMap(TrainingParameters.defaults().asMap()))
                .isEqualTo(TrainingParameters.defaults());
    }

    @Test
    void fromMapNamesWhatIsMissingOrWrong() {
        Map<String, Object> map = new LinkedHashMap<>(TrainingParameters.defaults().asMap());
        map.put("epochs", 2.5);
        assertThatThrownBy(() -> TrainingParameters.fromMap(map)).hasMessage("epochs must be a whole number, got 2.5");
        map.put("epochs", 3.0);
        assertThat(TrainingParameters.fromMap(map).epochs()).isEqualTo(3);
        map.remove("momentum");
        assertThatThrownBy(() -> TrainingParameters.fromMap(map)).hasMessage("momentum is missing");
        map.put("momentum", "fast");
        assertThatThrownBy(() -> TrainingParameters.fromMap(map)).hasMessage("momentum must be a number, got fast");
    }

    @Test
    void decimalReadsBackToTheSameFloat() {
        Xoshiro256 rng = Xoshiro256.seeded(3);
        for (int i = 0; i < 100_000; i++) {
            float f = Float.intBitsToFloat((int) rng.nextLong());
            if (Float.isFinite(f)) {
                assertThat((float) TrainingParameters.decimal(f)).isEqualTo(f);
            }
        }
    }
}
