package dev.determinedbatch.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expected strings are what CPython 3 prints for the same values. */
class PythonJsonTests {

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "0x3fb999999999999a | 0.1",
        "0x3ee4f8b588e368f1 | 1e-05",
        "0x4341c37937e08000 | 1e+16",
        "0x430c6bf526340000 | 1000000000000000.0",
        "0x405edd2f1a9fbe77 | 123.456",
        "0x8000000000000000 | -0.0",
        "0x0000000000000000 | 0.0",
        "0x3ff0000000000000 | 1.0",
        "0x4059000000000000 | 100.0",
        "0x3f1a36e2eb1c432d | 0.0001",
        "0x0000000000000001 | 5e-324",
        "0x7fefffffffffffff | 1.7976931348623157e+308",
        "0x4480f0cf064dd592 | 1e+22",
        "0x43e56a95319d63e1 | 1.2345678901234567e+19",
        "0x3fd3333333333334 | 0.30000000000000004",
        "0x4340000000000000 | 9007199254740992.0",
        "0xbff8000000000000 | -1.5",
        // 2**-1017: the nearest 16-digit number does not read back, its upper neighbour does
        "0x0060000000000000 | 7.120236347223045e-307",
        "0x0100000000000000 | 7.291122019556398e-304",
    })
    void floatsAreWrittenAsPythonsRepr(String bits, String python) {
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(bits.substring(2), 16));
        assertThat(PythonJson.wire(value)).isEqualTo(python);
        assertThat(PythonJson.indented(value)).isEqualTo(python);
        assertThat(Double.parseDouble(python)).isEqualTo(value);
    }

    @Test
    void nonFiniteNumbersAreBareInFilesAndQuotedOnTheWire() {
        List<Object> values = List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
        assertThat(PythonJson.indented(values)).isEqualTo("[\n  NaN,\n  Infinity,\n  -Infinity\n]");
        assertThat(PythonJson.wire(values)).isEqualTo("[\"NaN\", \"Infinity\", \"-Infinity\"]");
    }

    @Test
    void indentationIsPythons() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("b", List.of());
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", List.of(1, inner));
        value.put("c", Map.of());
        // json.dumps({"a": [1, {"b": []}], "c": {}}, indent=2)
        assertThat(PythonJson.indented(value))
                .isEqualTo("{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {}\n}");
        // json.dumps({"a": [1, {"b": []}], "c": {}})
        assertThat(PythonJson.wire(value)).isEqualTo("{\"a\": [1, {\"b\": []}], \"c\": {}}");
    }

    @Test
    void deeperNestingAndLiterals() {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("y", List.of(List.of(), Map.of(), List.of(1, 2.5)));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("x", x);
        value.put("n", null);
        value.put("t", true);
        // json.dumps({"x": {"y": [[], {}, [1, 2.5]]}, "n": None, "t": True}, indent=2)
        assertThat(PythonJson.indented(value)).isEqualTo("{\n  \"x\": {\n    \"y\": [\n      [],\n      {},\n"
                + "      [\n        1,\n        2.5\n      ]\n    ]\n  },\n  \"n\": null,\n  \"t\": true\n}");
    }

    @Test
    void stringsAreAsciiWithLowerCaseEscapes() {
        String s = "\u0000\u001f\u007f\u00e9\u20ac\ud83d\ude00\"\\/\n\t\b\f\r";
        // json.dumps({"s": s})
        assertThat(PythonJson.wire(Map.of("s", s))).isEqualTo(
                "{\"s\": \"\\u0000\\u001f\\u007f\\u00e9\\u20ac\\ud83d\\ude00\\\"\\\\/\\n\\t\\b\\f\\r\"}");
        assertThat(PythonJson.wire("h\u00e9llo")).isEqualTo("\"h\\u00e9llo\"");
    }

    @Test
    void integersOfEveryWidth() {
        assertThat(PythonJson.wire(List.of((byte) 1, (short) 2, 3, 4L, new BigInteger("123456789012345678901234567890"))))
                .isEqualTo("[1, 2, 3, 4, 123456789012345678901234567890]");
    }

    @Test
    void roundTripThroughTheParser() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("loss", 0.1);
        nested.put("nan", Double.NaN);
        nested.put("tiny", 5e-324);
        nested.put("list", new ArrayList<>(List.of(1L, -2L, "x\u00e9\n", false)));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("steps_completed", 12L);
        value.put("nested", nested);
        value.put("none", null);
        value.put("big", new BigInteger("98765432109876543210"));

        assertThat(JsonText.read(PythonJson.indented(value))).isEqualTo(value);
        Object viaWire = JsonText.read(PythonJson.wire(value));
        assertThat(viaWire).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) ((Map<?, ?>) viaWire).get("nested")).get("nan")).isEqualTo("NaN");
    }

    @Test
    void refusesWhatHasNoJsonForm() {
        Map<Object, Object> intKey = new LinkedHashMap<>();
        intKey.put(1, "one");
        assertThatThrownBy(() -> PythonJson.wire(intKey))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keys must be strings");
        assertThatThrownBy(() -> PythonJson.wire(List.of(new Object() {
            @Override
            public String toString() {
                return "thing";
            }
        }))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot write").hasMessageContaining("thing");
    }
}
