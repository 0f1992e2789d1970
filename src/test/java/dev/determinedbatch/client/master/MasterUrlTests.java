package dev.determinedbatch.client.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MasterUrlTests {

    @ParameterizedTest
    @CsvSource({
        "localhost:8080, http://localhost:8080",
        "master, http://master:8080",
        "master:9000, http://master:9000",
        "http://master, http://master",
        "https://master, https://master",
        "https://master/, https://master",
        "http://master:8080/det///, http://master:8080/det",
        "10.0.0.1, http://10.0.0.1:8080",
        "HTTP://Master:8080, http://master:8080",
    })
    void canonicalisesAsDetermined(String given, String expected) {
        assertThat(MasterUrl.parse(given).toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "'ftp://master', must use http or https",
        "'http://user:pw@master', must not carry credentials",
        "'http://mas ter', is not a URL",
        "'http://user:p w@mas ter', is not a URL",
        "'user:pw@mas ter', is not a URL",
        "'   ', is empty",
    })
    void refusesWhatIsNotAMasterUrl(String given, String message) {
        assertThatThrownBy(() -> MasterUrl.parse(given)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message).hasMessageNotContaining("pw").hasMessageNotContaining("p w");
    }
}
