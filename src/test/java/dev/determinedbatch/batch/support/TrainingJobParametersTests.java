package dev.determinedbatch.batch.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import java.util.Properties;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Malformed job parameters fail with a message naming the parameter (or config key) and the value. */
class TrainingJobParametersTests {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "epochs           | abc  | job parameter 'epochs' must be an integer, got 'abc'",
        "seed             | 1.5  | job parameter 'seed' must be an integer, got '1.5'",
        "learningRate     | fast | job parameter 'learningRate' must be a number, got 'fast'",
        "batchSize        | -1   | bad job parameter: batchSize must be positive, got -1",
        "epochs           | 0    | bad job parameter: epochs must be positive, got 0",
        "momentum         | 1    | bad job parameter: momentum must be in [0, 1), got 1.0",
        "reportEverySteps | 0    | job parameter 'reportEverySteps' must be at least 1, got 0",
        "checkpointEverySteps | -5 | job parameter 'checkpointEverySteps' must not be negative, got -5",
        "datasetSkipLimit | -1   | job parameter 'datasetSkipLimit' must not be negative, got -1",
        "datasetSkipLimit | many | job parameter 'datasetSkipLimit' must be an integer, got 'many'",
        "datasetSkipLimit | 99999999999 | job parameter 'datasetSkipLimit' must be an integer, got '99999999999'",
    })
    void aMalformedJobParameterIsNamedWithItsValue(String name, String value, String message) {
        Properties job = new Properties();
        job.setProperty(name, value);
        assertThatThrownBy(() -> TrainingJobParameters.parse(job, config(Map.of()), "train", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void aMalformedConfigDefaultNamesTheConfigKey() {
        assertThatThrownBy(() -> TrainingJobParameters.parse(new Properties(),
                config(Map.of("training.datasetSkipLimit", "ten")), "train", 1))
                .hasMessage("config key 'training.datasetSkipLimit' (default of job parameter 'datasetSkipLimit')"
                        + " must be an integer, got 'ten'");
    }

    @Test
    void theSkipLimitIsStrictByDefaultAndTheJobParameterWinsOverTheConfig() {
        assertThat(TrainingJobParameters.parse(new Properties(), config(Map.of()), "train", 1).datasetSkipLimit())
                .isZero();
        Properties job = new Properties();
        job.setProperty("datasetSkipLimit", "7");
        assertThat(TrainingJobParameters.parse(job, config(Map.of("training.datasetSkipLimit", "3")), "train", 1)
                .datasetSkipLimit()).isEqualTo(7);
        assertThat(TrainingJobParameters.parse(new Properties(), config(Map.of("training.datasetSkipLimit", "3")),
                "train", 1).datasetSkipLimit()).isEqualTo(3);
    }

    private static Config config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(values, "test", 500)).build();
    }
}
