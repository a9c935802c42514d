package io.muninn.schemas.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Fixtures;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptMessage;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.codec.Rejection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestValidatorTest {
    static final RequestLimits LIMITS = new RequestLimits(4096, 65536, 4096, 32, Fixtures.CRITERIA);
    private static final RequestValidator VALIDATOR = new RequestValidator(LIMITS);

    /** The full fixture with one change, validated; the rejection must exist. */
    private static Rejection rejectionOf(Consumer<PromptRequest> change) {
        PromptRequest request = Fixtures.fullRequest();
        change.accept(request);
        return VALIDATOR.validate(request).orElseThrow(() -> new AssertionError("expected a rejection"));
    }

    private static Generation generation(PromptRequest request) {
        return request.getGeneration();
    }

    private static void assertRejected(Rejection rejection, String field, String reason) {
        assertThat(rejection.field()).isEqualTo(field);
        assertThat(rejection.reason()).isEqualTo(reason);
    }

    @Test
    void validRequestsPass() {
        assertThat(VALIDATOR.validate(Fixtures.fullRequest())).isEmpty();
        assertThat(VALIDATOR.validate(Fixtures.textRequest("r", "Hello"))).isEmpty();
        assertThat(VALIDATOR.validate(Fixtures.tokenRequest("r", List.of(0, 65535)))).isEmpty();
    }

    @Test
    void aDeadlineInThePastIsNotAValidationError() {
        PromptRequest request = Fixtures.fullRequest();
        request.setDeadlineMs(1L);

        assertThat(VALIDATOR.validate(request)).isEmpty();
    }

    @Test
    void rejectionsCarryTheRequestId() {
        assertThat(rejectionOf(r -> generation(r).setMaxNewTokens(0)).requestId()).isEqualTo("req-1");
    }

    @Test
    void blankRequestId() {
        Rejection rejection = rejectionOf(r -> r.setRequestId("  "));

        assertRejected(rejection, "request_id", "request_id must be a non-blank string but was '  '");
        assertThat(rejection.requestId()).isNull();
    }

    /**
     * One field of the full fixture set to a value (read as the field's Avro type; null is null): the field the
     * rejection names and its reason.
     */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "request_id|null|request_id|request_id must be a non-blank string but was null",
        "input.messages|null|input|input must set exactly one of prompt, messages or token_ids but set none",
        "input.token_ids|[1]|input|input must set exactly one of prompt, messages or token_ids but set messages"
                + " and token_ids",
        "input.messages|[]|input.messages|input.messages must hold at least one message but was empty",
        "generation.max_new_tokens|0|generation.max_new_tokens|generation.max_new_tokens must be in [1, 4096]"
                + " but was 0",
        "generation.max_new_tokens|4097|generation.max_new_tokens|generation.max_new_tokens must be in [1, 4096]"
                + " but was 4097",
        "generation.criterion|KL|generation.criterion|generation.criterion must be one of [kl, minp-kl,"
                + " entropy-diff, latent-diff, cosine, argmax-stability, none] but was 'KL'",
        "generation.criterion|null|generation.criterion|generation.criterion must be one of [kl, minp-kl,"
                + " entropy-diff, latent-diff, cosine, argmax-stability, none] but was null",
        "generation.threshold|NaN|generation.threshold|generation.threshold must be a finite number > 0 (or null"
                + " for the criterion's default) but was NaN",
        "generation.threshold|-1e-3|generation.threshold|generation.threshold must be a finite number > 0 (or"
                + " null for the criterion's default) but was -0.001",
        "generation.threshold|0.0|generation.threshold|generation.threshold must be a finite number > 0 (or null"
                + " for the criterion's default) but was 0.0",
        "generation.threshold|Infinity|generation.threshold|generation.threshold must be a finite number > 0 (or"
                + " null for the criterion's default) but was Infinity",
        "generation.max_steps|0|generation.max_steps|generation.max_steps must be in [1, 32] (the engine's"
                + " maximum) but was 0",
        "generation.max_steps|33|generation.max_steps|generation.max_steps must be in [1, 32] (the engine's"
                + " maximum) but was 33",
        "generation.min_steps|-1|generation.min_steps|generation.min_steps must be in [0, 24] (max_steps) but"
                + " was -1",
        "generation.min_steps|25|generation.min_steps|generation.min_steps must be in [0, 24] (max_steps) but"
                + " was 25",
        "generation.check_every|0|generation.check_every|generation.check_every must be in [1, 24] (max_steps)"
                + " but was 0",
        "generation.sampling.temperature|0.0|generation.sampling.temperature|generation.sampling.temperature"
                + " must be a finite number > 0 when sampling (greedy false) but was 0.0; set greedy true for"
                + " temperature 0",
        "generation.sampling.top_k|-1|generation.sampling.top_k|generation.sampling.top_k must be >= 0 (0 turns"
                + " it off) but was -1",
        "generation.sampling.top_p|0.0|generation.sampling.top_p|generation.sampling.top_p must be in (0, 1] (1"
                + " turns it off) but was 0.0",
        "generation.sampling.top_p|1.5|generation.sampling.top_p|generation.sampling.top_p must be in (0, 1] (1"
                + " turns it off) but was 1.5",
        "generation.sampling.min_p|1.0|generation.sampling.min_p|generation.sampling.min_p must be in [0, 1) (0"
                + " turns it off) but was 1.0",
        "generation.sampling.min_p|-0.1|generation.sampling.min_p|generation.sampling.min_p must be in [0, 1) (0"
                + " turns it off) but was -0.1",
        "generation.init_scale|-0.5|generation.init_scale|generation.init_scale must be a finite number >= 0 but"
                + " was -0.5",
        "generation.stop_token_ids|[65505, 70000]|generation.stop_token_ids[1]|generation.stop_token_ids[1] must"
                + " be in [0, 65536) (the model's vocabulary) but was 70000",
        "generation.stop_token_ids|null|generation.stop_token_ids|generation.stop_token_ids must be an array of"
                + " token ids but was null"
    })
    void rejectsAFieldValue(String path, String value, String field, String reason) {
        assertRejected(rejectionOf(r -> AvroFields.set(r, path, value)), field, reason);
    }

    @Test
    void emptyPrompt() {
        PromptRequest request = Fixtures.textRequest("r", "");

        assertRejected(VALIDATOR.validate(request).orElseThrow(), "input.prompt", "input.prompt must not be empty");
    }

    @Test
    void blankRole() {
        assertRejected(rejectionOf(r -> r.getInput().setMessages(List.of(new PromptMessage("user", "hi"),
                        new PromptMessage("", "hi")))), "input.messages[1].role",
                "input.messages[1].role must be a non-blank string such as system, user or assistant but was ''");
    }

    @Test
    void emptyTokenIds() {
        assertRejected(VALIDATOR.validate(Fixtures.tokenRequest("r", List.of())).orElseThrow(), "input.token_ids",
                "input.token_ids must hold at least one token id but was empty");
    }

    @Test
    void tokenIdOutsideTheVocabulary() {
        assertRejected(VALIDATOR.validate(Fixtures.tokenRequest("r", List.of(5, 65536))).orElseThrow(),
                "input.token_ids[1]", "input.token_ids[1] must be in [0, 65536) (the model's vocabulary) but was 65536");
        assertRejected(VALIDATOR.validate(Fixtures.tokenRequest("r", List.of(-1))).orElseThrow(),
                "input.token_ids[0]", "input.token_ids[0] must be in [0, 65536) (the model's vocabulary) but was -1");
    }

    /** A token prompt of {@code length} ids, with the fixture's max_new_tokens 256, against the block size 4096. */
    @ParameterizedTest(name = "{0} prompt tokens")
    @CsvSource(delimiter = '|', value = {
        "5000|input|input must be shorter than the model's block size 4096 (prompt tokens + max_new_tokens <= 4096)"
                + " but the prompt was 5000 tokens long",
        "4000|generation.max_new_tokens|prompt tokens + generation.max_new_tokens must be <= the model's block size"
                + " 4096 but was 4000 + 256 = 4256; lower generation.max_new_tokens to at most 96"
    })
    void aTokenPromptMustFitTheBlockSize(int length, String field, String reason) {
        List<Integer> ids = new ArrayList<>(Collections.nCopies(length, 7));

        assertRejected(VALIDATOR.validate(Fixtures.tokenRequest("r", ids)).orElseThrow(), field, reason);
    }

    @Test
    void nullThresholdMeansTheDefault() {
        PromptRequest request = Fixtures.fullRequest();
        request.getGeneration().setThreshold(null);

        assertThat(VALIDATOR.validate(request)).isEmpty();
    }

    @Test
    void minStepsAreBoundedByTheEngineWhenMaxStepsIsUnset() {
        assertRejected(rejectionOf(r -> {
            generation(r).setMaxSteps(null);
            generation(r).setMinSteps(33);
        }), "generation.min_steps", "generation.min_steps must be in [0, 32] (max_steps) but was 33");
    }

    @Test
    void minStepsEqualToMaxStepsMeansNoCheckAndIsAllowed() {
        PromptRequest request = Fixtures.fullRequest();
        request.getGeneration().setMinSteps(24);

        assertThat(VALIDATOR.validate(request)).isEmpty();
    }

    /**
     * The budget's floor rule (max(1, min_steps) x max_new_tokens) has one home, the model's StepBudget; the operator
     * rejects an infeasible budget through it (flink-operators' DepthOperatorTest), so the validator passes any.
     */
    @Test
    void aStepsBudgetIsLeftToTheEnginesBudgetRule() {
        PromptRequest request = Fixtures.fullRequest();
        request.getGeneration().setMinSteps(3);
        request.getGeneration().setMaxNewTokens(10);
        for (Long budget : new Long[] {30L, null, 29L, -1L}) {
            request.getGeneration().setTotalStepsBudget(budget);
            assertThat(VALIDATOR.validate(request)).as("budget %s", budget).isEmpty();
        }
    }

    @Test
    void greedyAllowsTemperatureZeroButNotNaN() {
        PromptRequest request = Fixtures.fullRequest();
        request.getGeneration().getSampling().setGreedy(true);
        request.getGeneration().getSampling().setTemperature(0.0);
        assertThat(VALIDATOR.validate(request)).isEmpty();

        request.getGeneration().getSampling().setTemperature(Double.NaN);
        assertRejected(VALIDATOR.validate(request).orElseThrow(), "generation.sampling.temperature",
                "generation.sampling.temperature must be a finite number >= 0 but was NaN");
    }

    @Test
    void aHugeRequestIdIsCutInTheReason() {
        Rejection rejection = rejectionOf(r -> r.setRequestId(" ".repeat(1000)));

        assertThat(rejection.reason()).isEqualTo("request_id must be a non-blank string but was '" + " ".repeat(80)
                + "...' (1000 characters)");
    }
}
