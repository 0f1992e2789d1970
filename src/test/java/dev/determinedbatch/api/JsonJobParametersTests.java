package dev.determinedbatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The body of a start or restart: every value reaches JBeret as the string shown, numbers and
 * booleans as their JSON text; anything else is refused with a message naming the parameter or
 * the limit.
 */
class JsonJobParametersTests {

    @Test
    void numbersAndBooleansAreTheirJsonTextAsWritten() {
        assertThat(parse("{\"epochs\": 1, \"learningRate\": 0.05, \"momentum\": 9e-1, \"seed\": -0,"
                + " \"batchSize\": 32.0, \"big\": 123456789012345678901234567890, \"shuffle\": true,"
                + " \"verbose\": false, \"dataset\": \"/data/digits.csv.gz\"}"))
                .containsExactly(Map.entry("epochs", "1"), Map.entry("learningRate", "0.05"),
                        Map.entry("momentum", "9e-1"), Map.entry("seed", "-0"), Map.entry("batchSize", "32.0"),
                        Map.entry("big", "123456789012345678901234567890"), Map.entry("shuffle", "true"),
                        Map.entry("verbose", "false"), Map.entry("dataset", "/data/digits.csv.gz"));
    }

    @Test
    void stringsAreTakenAsTheyAreEscapesDecoded() {
        assertThat(parse("{\"externalTrialId\": \"caf\\u00e9 \\\"1\\\"\", \"\\u00e9\": \"\"}"))
                .containsExactly(Map.entry("externalTrialId", "café \"1\""), Map.entry("é", ""));
    }

    @Test
    void anEmptyOrBlankBodyOrAnEmptyObjectIsNoParameter() {
        assertThat(parse("")).isEmpty();
        assertThat(parse(" \r\n\t")).isEmpty();
        assertThat(parse("{}")).isEmpty();
    }

    @Test
    void theDeclaredCharsetIsHonoured() {
        byte[] latin1 = "{\"externalTrialId\": \"café\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(JsonJobParameters.parse(latin1, StandardCharsets.ISO_8859_1))
                .containsExactly(Map.entry("externalTrialId", "café"));
        byte[] utf16 = "{\"epochs\": 2}".getBytes(StandardCharsets.UTF_16LE);
        assertThat(JsonJobParameters.parse(utf16, null)).containsExactly(Map.entry("epochs", "2"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"epochs\": null}              | job parameter 'epochs' is null; give a string, a number or a boolean",
        "{\"epochs\": {\"value\": 1}}    | job parameter 'epochs' is a JSON object; give a string, a number or a boolean",
        "{\"epochs\": [1, 2]}            | job parameter 'epochs' is a JSON array; give a string, a number or a boolean",
        "{\"epochs\": 1, \"epochs\": 2}  | job parameter 'epochs' appears more than once in the request body",
        "[{\"epochs\": 1}]               | the request body must be a JSON object of job parameters, such as {\"epochs\": \"10\"}; got a JSON array",
        "`\"epochs=1\"`                  | the request body must be a JSON object of job parameters, such as {\"epochs\": \"10\"}; got a JSON string",
        "42                              | the request body must be a JSON object of job parameters, such as {\"epochs\": \"10\"}; got a JSON number",
        "null                            | the request body must be a JSON object of job parameters, such as {\"epochs\": \"10\"}; got null",
    })
    void aValueThatIsNoStringNumberOrBooleanOrABodyThatIsNoObjectIsRefused(String body, String message) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(JobParametersRefused.class).hasMessage(message)
                .satisfies(e -> assertThat(((JobParametersRefused) e).status()).isEqualTo(400));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "epochs=1",
        "{\"epochs\": 1",
        "{\"epochs\": 1,}",
        "{epochs: 1}",
        "{\"epochs\": 1} {\"seed\": 2}",
        "{\"epochs\": 1} x",
        "`{\"epochs\": 'one'}`",
    })
    void aBodyThatIsNotJsonIsRefused(String body) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(JobParametersRefused.class)
                .hasMessageStartingWith("the request body ")
                .satisfies(e -> assertThat(((JobParametersRefused) e).status()).isEqualTo(400));
    }

    @Test
    void aBodyOverTheLimitIs400NamingTheLimitAndOneAtTheLimitIsRead() {
        String prefix = "{\"checkpointStorage\": \"";
        String atLimit = prefix + "x".repeat(JsonJobParameters.MAX_BODY_BYTES - prefix.length() - 2) + "\"}";
        assertThat(atLimit).hasSize(JsonJobParameters.MAX_BODY_BYTES);
        assertThat(parse(atLimit).get("checkpointStorage"))
                .hasSize(JsonJobParameters.MAX_BODY_BYTES - prefix.length() - 2);

        assertThatThrownBy(() -> parse(atLimit + " "))
                .isInstanceOf(JobParametersRefused.class)
                .hasMessage("the request body has more than 65536 bytes (64 KiB), the limit for job parameters;"
                        + " JBeret's job repository keeps at most 3000 characters of them")
                .satisfies(e -> assertThat(((JobParametersRefused) e).toApiError())
                        .isEqualTo(new ApiError(400, "BadRequest", e.getMessage())));
    }

    private static Map<String, String> parse(String body) {
        return JsonJobParameters.parse(body.getBytes(StandardCharsets.UTF_8), (Charset) null);
    }
}
