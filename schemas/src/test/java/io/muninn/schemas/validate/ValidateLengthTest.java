package io.muninn.schemas.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.codec.Rejection;
import org.junit.jupiter.api.Test;

/** The check the operator runs after tokenizing a text or chat prompt. */
class ValidateLengthTest {
    private static final RequestValidator VALIDATOR = new RequestValidator(RequestValidatorTest.LIMITS);

    @Test
    void fillingTheBlockExactlyIsAllowed() {
        assertThat(VALIDATOR.validateLength(4000, 96)).isEmpty();
        assertThat(VALIDATOR.validateLength(1, 4095)).isEmpty();
    }

    @Test
    void promptLongerThanTheBlockSize() {
        Rejection rejection = VALIDATOR.validateLength(5000, 10).orElseThrow();

        assertThat(rejection.field()).isEqualTo("input");
        assertThat(rejection.reason()).isEqualTo("input must be shorter than the model's block size 4096 "
                + "(prompt tokens + max_new_tokens <= 4096) but the prompt was 5000 tokens long");
    }

    @Test
    void promptAsLongAsTheBlockLeavesNoRoom() {
        assertThat(VALIDATOR.validateLength(4096, 1).orElseThrow().field()).isEqualTo("input");
    }

    @Test
    void promptPlusMaxNewTokensOverTheBlockSize() {
        Rejection rejection = VALIDATOR.validateLength(4000, 97).orElseThrow();

        assertThat(rejection.field()).isEqualTo("generation.max_new_tokens");
        assertThat(rejection.reason()).isEqualTo("prompt tokens + generation.max_new_tokens must be <= the model's "
                + "block size 4096 but was 4000 + 97 = 4097; lower generation.max_new_tokens to at most 96");
    }

    @Test
    void sumDoesNotOverflow() {
        Rejection rejection = VALIDATOR.validateLength(4000, Integer.MAX_VALUE).orElseThrow();

        assertThat(rejection.reason()).contains("4000 + 2147483647 = 2147487647");
    }

    @Test
    void anEmptyTokenizedPromptIsRejected() {
        Rejection rejection = VALIDATOR.validateLength(0, 10).orElseThrow();

        assertThat(rejection.field()).isEqualTo("input");
        assertThat(rejection.reason()).isEqualTo("input must be at least 1 token long but the prompt was 0 tokens");
    }
}
