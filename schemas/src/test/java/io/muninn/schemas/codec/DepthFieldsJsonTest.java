package io.muninn.schemas.codec;

import static io.muninn.schemas.codec.Rejections.accepted;
import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.PromptRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** generation.total_steps_budget and generation.strict_depth (PromptRequest v3) from a JSON producer. */
class DepthFieldsJsonTest {

    private static PromptRequest decode(String json) {
        return accepted(PromptCodec.create().decode(json.getBytes(StandardCharsets.UTF_8)), PayloadFormat.JSON);
    }

    @Test
    void aBudgetAndStrictDepthAreRead() {
        PromptRequest r = decode("""
                {"request_id": "r", "input": {"prompt": "x"},
                 "generation": {"max_new_tokens": 8, "total_steps_budget": 96, "strict_depth": true}}""");

        assertThat(r.getGeneration().getTotalStepsBudget()).isEqualTo(96L);
        assertThat(r.getGeneration().getStrictDepth()).isTrue();
    }

    @Test
    void leftOutTheyMeanNoBudgetAndARelaxableRequest() {
        PromptRequest r = decode("""
                {"request_id": "r", "input": {"prompt": "x"}}""");

        assertThat(r.getGeneration().getTotalStepsBudget()).isNull();
        assertThat(r.getGeneration().getStrictDepth()).isFalse();
    }
}
