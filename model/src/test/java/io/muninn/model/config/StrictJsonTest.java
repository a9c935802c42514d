package io.muninn.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrictJsonTest {
    @Test
    void parsesAnObject() {
        assertThat(StrictJson.parseObject(" {\"a\": [1, 2.5, \"x\"], \"b\": {}} \n").toString())
                .isEqualTo("{\"a\":[1,2.5,\"x\"],\"b\":{}}");
    }

    @Test
    void keepsTheLastOfDuplicateKeysAsPythonDoes() {
        assertThat(StrictJson.parseObject("{\"a\": 1, \"a\": 2}").get("a").getAsInt()).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"a\": 1} x|syntax error at line 1 column 11 path $",
        "{\"a\": 1}{}|syntax error at line 1 column 10 path $",
        "{'a': 1}|syntax error at line 1 column 3 path $.",
        "{\"a\": [1, 2,]}|syntax error at line 1 column 14 path $.a[2]",
        "``|unexpected end of input at line 1 column 1 path $",
        "\"text\"|found \"text\""
    })
    void refusesWhatPythonsJsonWouldNotWrite(String text, String message) {
        assertThatThrownBy(() -> StrictJson.parseObject(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void abbreviatesLongValuesTo80Characters() {
        String longValue = "x".repeat(100);

        assertThat(StrictJson.abbreviate(longValue)).isEqualTo("x".repeat(77) + "...");
        assertThat(StrictJson.abbreviate("x".repeat(80))).isEqualTo("x".repeat(80));
    }
}
