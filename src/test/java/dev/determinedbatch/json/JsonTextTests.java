package dev.determinedbatch.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTextTests {

    @Test
    void numbersKeepTheFormTheyWereWrittenIn() {
        assertThat(JsonText.read("[1, -2, 12345678901234567, 123456789012345678901234567890, 1.0, -0.0, 1e+308,"
                + " 1.2345678901234567e+16, 5e-324]")).isEqualTo(List.of(1L, -2L, 12345678901234567L,
                new BigInteger("123456789012345678901234567890"), 1.0, -0.0, 1e308, 1.2345678901234567e16, 5e-324));
        assertThat(((List<?>) JsonText.read("[-0.0]")).get(0)).isEqualTo(-0.0).isNotEqualTo(0.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2345678901234568e+16", "-0.0", "1e+308", "0.30000000000000004", "5e-324", "100.0",
            "123456789012345678901234567890", "-9223372036854775808"})
    void pythonsNumbersReadBackToTheirBytes(String python) {
        assertThat(PythonJson.wire(JsonText.read(python))).isEqualTo(python);
    }

    @Test
    void pythonsBareNonFiniteWordsOutsideStringsOnly() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", Double.NaN);
        expected.put("NaN", "Infinity NaN -Infinity \"NaN\"");
        expected.put("b", List.of(Double.POSITIVE_INFINITY, 2L, Double.NEGATIVE_INFINITY, 3.5));
        String text = "{\"a\": NaN, \"NaN\": \"Infinity NaN -Infinity \\\"NaN\\\"\", \"b\": [Infinity, 2, -Infinity, 3.5]}";
        assertThat(JsonText.read(text)).isEqualTo(expected);
        assertThat(PythonJson.line(JsonText.read(text))).isEqualTo(text);
    }

    @Test
    void stringsKeysAndLiterals() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("s", "x\u00e9\n\ud83d\ude00/");
        expected.put("t", true);
        expected.put("f", false);
        expected.put("n", null);
        expected.put("o", Map.of());
        expected.put("l", List.of());
        assertThat(JsonText.read("{\"s\": \"x\\u00e9\\n\\ud83d\\ude00\\/\", \"t\": true, \"f\": false, \"n\": null,"
                + " \"o\": {}, \"l\": []}")).isEqualTo(expected);
        assertThat(JsonText.read("\"\"")).isEqualTo("");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\": 1,}", "{\"a\" 1}", "[1 2]", "{\"a\": 1} x", "{} {}", "NaNx", "[01]",
            "{\"a\": nul}", "\"\\x\""})
    void malformedJsonIsRefusedWithAnOffset(String text) {
        assertThatThrownBy(() -> JsonText.read(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid JSON");
    }

    @Test
    void anObjectIsExpectedWhereOneIsRead() {
        assertThatThrownBy(() -> JsonText.readJsonObject("[1]")).hasMessageContaining("expected a JSON object");
        assertThat(JsonText.readJsonObject("{\"a\": {\"b\": [1]}}")).isEqualTo(Map.of("a", Map.of("b", List.of(1L))));
    }

    @Test
    void fieldsAreTypedAndNameTheirPathWhenWrong() {
        JsonFields answer = JsonFields.parse("{\"trial\": {\"id\": \"12\", \"taskId\": 7, \"n\": null},"
                + " \"runs\": [{\"x\": 1}, 2], \"p\": \"NaN\", \"ok\": true}", "PUT /api/v1/trials");
        assertThat(answer.object("trial").int64("id")).isEqualTo(12L);
        assertThatThrownBy(() -> answer.object("trial").longValue("id"))
                .hasMessage("PUT /api/v1/trials: field 'trial.id' must be an integer, got \"12\"");
        assertThat(answer.doubleValue("p")).isNaN();
        assertThat(answer.bool("ok")).isTrue();
        assertThat(answer.optionalLong("absent")).isNull();
        assertThatThrownBy(() -> answer.object("trial").string("taskId"))
                .hasMessage("PUT /api/v1/trials: field 'trial.taskId' must be a string, got 7");
        assertThatThrownBy(() -> answer.object("trial").longValue("n"))
                .hasMessage("PUT /api/v1/trials: field 'trial.n' is null");
        assertThatThrownBy(() -> answer.object("experiment"))
                .hasMessage("PUT /api/v1/trials: field 'experiment' is missing");
        assertThatThrownBy(() -> answer.objects("runs"))
                .hasMessage("PUT /api/v1/trials: field 'runs[1]' must be an object, got 2");
        assertThatThrownBy(() -> JsonFields.parse("{\"runs\": [{\"x\": 1}]}", "PUT /api/v1/trials").objects("runs").get(0).string("x"))
                .hasMessage("PUT /api/v1/trials: field 'runs[0].x' must be a string, got 1");
        assertThatThrownBy(() -> JsonFields.parse("\"\"", "POST /task-logs"))
                .hasMessage("POST /task-logs: expected a JSON object, got \"\"");
        assertThatThrownBy(() -> JsonFields.parse("{", "GET /api/v1/master"))
                .hasMessageStartingWith("GET /api/v1/master: invalid JSON");
    }
}
