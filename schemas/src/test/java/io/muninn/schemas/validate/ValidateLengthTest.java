package io.muninn.schemas.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.codec.Rejection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The check the operator runs after tokenizing a text or chat prompt. */
class ValidateLengthTest {
    private static final RequestValidator VALIDATOR = new RequestValidator(RequestValidatorTest.LIMITS);

    @Test
    void fillingTheBlockExactlyIsAllowed() {
        assertThat(VALIDATOR.validateLength(4000, 96)).isEmpty();
        assertThat(VALIDATOR.validateLength(1, 4095)).isEmpty();
    }

    @ParameterizedTest(name = "{0} prompt tokens + {1}")
    @CsvSource(delimiter = '|', value = {
        "5000|10|input|input must be shorter than the model's block size 4096 (prompt tokens + max_new_tokens <= 4096)"
                + " but the prompt was 5000 tokens long",
        "4000|97|generation.max_new_tokens|prompt tokens + generation.max_new_tokens must be <= the model's block"
                + " size 4096 but was 4000 + 97 = 4097; lower generation.max_new_tokens to at most 96",
        "0|10|input|input must be at least 1 token long but the prompt was 0 tokens"
    })
    void rejectsALength(int promptTokens, int maxNewTokens, String field, String reason) {
        assertThat(VALIDATOR.validateLength(promptTokens, maxNewTokens).orElseThrow())
                .extracting(Rejection::field, Rejection::reason)
                .containsExactly(field, reason);
    }

    @Test
    void promptAsLongAsTheBlockLeavesNoRoom() {
        assertThat(VALIDATOR.validateLength(4096, 1).orElseThrow().field()).isEqualTo("input");
    }

    @Test
    void sumDoesNotOverflow() {
        Rejection rejection = VALIDATOR.validateLength(4000, Integer.MAX_VALUE).orElseThrow();

        assertThat(rejection.reason()).contains("4000 + 2147483647 = 2147487647");
    }
}
