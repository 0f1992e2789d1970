package dev.determinedbatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.jberet.util.BatchUtil;
import org.junit.jupiter.api.Test;

/**
 * Job parameters against JBeret's stored form (its own {@code BatchUtil}): the length that the
 * {@code VARCHAR(3000)} column must hold, and names and values that would not read back.
 */
class StoredJobParametersTests {

    @Test
    void theLengthIsThatOfJBeretsStoredForm() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("epochs", "1");
        parameters.put("externalTrialId", "café = crème");
        parameters.put("empty", "");
        Properties properties = new Properties();
        properties.putAll(parameters);

        String stored = BatchUtil.propertiesToString(properties);
        assertThat(StoredJobParameters.length(parameters)).isEqualTo(stored.length());
        assertThat(BatchUtil.stringToProperties(stored)).isEqualTo(properties);
    }

    @Test
    void parametersThatFillTheColumnPassAndOneCharacterMoreIsRefusedNamingTheLimitAndTheLongest() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("epochs", "1");
        // "epochs = 1\n" and "checkpointStorage = ...\n"
        int room = StoredJobParameters.LIMIT - "epochs = 1\n".length() - "checkpointStorage = \n".length();
        parameters.put("checkpointStorage", "d".repeat(room));
        assertThat(StoredJobParameters.length(parameters)).isEqualTo(3000);
        assertThatCode(() -> StoredJobParameters.checkFits(parameters, "job parameters")).doesNotThrowAnyException();

        parameters.put("checkpointStorage", "d".repeat(room + 1));
        assertThatThrownBy(() -> StoredJobParameters.checkFits(parameters, "job parameters"))
                .isInstanceOf(JobParametersRefused.class)
                .hasMessage("job parameters would take 3001 characters in JBeret's job repository, more than its"
                        + " 3000 (JOB_EXECUTION.JOBPARAMETERS); the longest is 'checkpointStorage' with a value of "
                        + (room + 1) + " characters");
    }

    @Test
    void aRestartStoresTheOriginalParametersOverriddenByTheQueryOverriddenByTheBodyAndTheJobXmlName() {
        Properties original = new Properties();
        original.setProperty("epochs", "30");
        original.setProperty("seed", "7");
        original.setProperty("dataset", "/a");

        Map<String, String> stored = StoredJobParameters.stored(original, Map.of("seed", "8", "batchSize", "16"),
                Map.of("batchSize", "64", "epochs", "40"), "train.xml");

        assertThat(stored).containsOnly(Map.entry("epochs", "40"), Map.entry("seed", "8"),
                Map.entry("dataset", "/a"), Map.entry("batchSize", "64"), Map.entry("jberet.jobXmlName", "train.xml"));
    }

    @Test
    void roomIsLeftForTheJobXmlNameThatJBeretAddsWhenAnExecutionStopsOrFails() {
        int room = StoredJobParameters.LIMIT - "checkpointStorage = \n".length();
        Map<String, String> parameters = Map.of("checkpointStorage", "d".repeat(room));
        assertThatCode(() -> StoredJobParameters.checkFits(
                StoredJobParameters.stored(new Properties(), Map.of(), parameters, null), "job parameters"))
                .doesNotThrowAnyException();

        assertThatThrownBy(() -> StoredJobParameters.checkFits(
                StoredJobParameters.stored(new Properties(), Map.of(), parameters, "train.xml"), "job parameters"))
                .hasMessageStartingWith("job parameters would take 3030 characters in JBeret's job repository, more"
                        + " than its 3000 (JOB_EXECUTION.JOBPARAMETERS, with the jberet.jobXmlName that JBeret adds);"
                        + " the longest is 'checkpointStorage'");
    }

    @Test
    void namesAndValuesThatWouldNotReadBackAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> StoredJobParameters.checkReadsBack(Map.of("dataset", "/a\nseed = 9")))
                .isInstanceOf(JobParametersRefused.class)
                .hasMessage("job parameter 'dataset' contains a line break, which JBeret's job repository cannot"
                        + " keep: it stores one parameter a line");
        assertThatThrownBy(() -> StoredJobParameters.checkReadsBack(Map.of("dataset", "/a\r")))
                .hasMessageStartingWith("job parameter 'dataset' contains a line break");
        assertThatThrownBy(() -> StoredJobParameters.checkReadsBack(Map.of("a = b", "c")))
                .hasMessage("job parameter name 'a = b' contains ' = ', which JBeret's job repository puts between"
                        + " a name and its value");
        assertThatThrownBy(() -> StoredJobParameters.checkReadsBack(Map.of("", "c")))
                .hasMessage("a job parameter name must not be empty");
        assertThatCode(() -> StoredJobParameters.checkReadsBack(Map.of("a=b", "x = y", "t", "\ttab")))
                .doesNotThrowAnyException();
    }

    @Test
    void whatIsRefusedIsWhatJBeretWouldNotReadBack() {
        Properties lineBreak = new Properties();
        lineBreak.setProperty("dataset", "/a\nseed = 9");
        assertThat(BatchUtil.stringToProperties(BatchUtil.propertiesToString(lineBreak)))
                .containsEntry("dataset", "/a").containsEntry("seed", "9");
        Properties separator = new Properties();
        separator.setProperty("a = b", "c");
        assertThat(BatchUtil.stringToProperties(BatchUtil.propertiesToString(separator))).containsEntry("a", "b = c");
    }
}
