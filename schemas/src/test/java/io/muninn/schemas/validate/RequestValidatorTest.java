package io.muninn.schemas.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Fixtures;
import io.muninn.schemas.Generation;
import io.muninn.schemas.PromptMessage;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.Sampling;
import io.muninn.schemas.codec.Rejection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

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

    private static Sampling sampling(PromptRequest request) {
        return request.getGeneration().getSampling();
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

    @Test
    void missingRequestId() {
        assertRejected(rejectionOf(r -> r.setRequestId(null)), "request_id",
                "request_id must be a non-blank string but was null");
    }

    @Test
    void noInput() {
        assertRejected(rejectionOf(r -> r.getInput().setMessages(null)), "input",
                "input must set exactly one of prompt, messages or token_ids but set none");
    }

    @Test
    void twoInputs() {
        assertRejected(rejectionOf(r -> r.getInput().setTokenIds(List.of(1))), "input",
                "input must set exactly one of prompt, messages or token_ids but set messages and token_ids");
    }

    @Test
    void emptyPrompt() {
        PromptRequest request = Fixtures.textRequest("r", "");

        assertRejected(VALIDATOR.validate(request).orElseThrow(), "input.prompt", "input.prompt must not be empty");
    }

    @Test
    void emptyMessages() {
        assertRejected(rejectionOf(r -> r.getInput().setMessages(List.of())), "input.messages",
                "input.messages must hold at least one message but was empty");
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

    @Test
    void tokenPromptLongerThanTheBlockSize() {
        List<Integer> ids = new ArrayList<>(Collections.nCopies(5000, 7));

        assertRejected(VALIDATOR.validate(Fixtures.tokenRequest("r", ids)).orElseThrow(), "input",
                "input must be shorter than the model's block size 4096 (prompt tokens + max_new_tokens <= 4096) "
                        + "but the prompt was 5000 tokens long");
    }

    @Test
    void tokenPromptPlusMaxNewTokensOverTheBlockSize() {
        List<Integer> ids = new ArrayList<>(Collections.nCopies(4000, 7));

        assertRejected(VALIDATOR.validate(Fixtures.tokenRequest("r", ids)).orElseThrow(), "generation.max_new_tokens",
                "prompt tokens + generation.max_new_tokens must be <= the model's block size 4096 but was "
                        + "4000 + 256 = 4256; lower generation.max_new_tokens to at most 96");
    }

    @Test
    void maxNewTokensOutOfRange() {
        assertRejected(rejectionOf(r -> generation(r).setMaxNewTokens(0)), "generation.max_new_tokens",
                "generation.max_new_tokens must be in [1, 4096] but was 0");
        assertRejected(rejectionOf(r -> generation(r).setMaxNewTokens(4097)), "generation.max_new_tokens",
                "generation.max_new_tokens must be in [1, 4096] but was 4097");
    }

    @Test
    void unknownCriterion() {
        assertRejected(rejectionOf(r -> generation(r).setCriterion("KL")), "generation.criterion",
                "generation.criterion must be one of [kl, minp-kl, entropy-diff, latent-diff, cosine, "
                        + "argmax-stability, none] but was 'KL'");
    }

    @Test
    void missingCriterion() {
        assertRejected(rejectionOf(r -> generation(r).setCriterion(null)), "generation.criterion",
                "generation.criterion must be one of [kl, minp-kl, entropy-diff, latent-diff, cosine, "
                        + "argmax-stability, none] but was null");
    }

    @Test
    void thresholdNotAFinitePositiveNumber() {
        String reason = "generation.threshold must be a finite number > 0 (or null for the criterion's default) "
                + "but was ";
        assertRejected(rejectionOf(r -> generation(r).setThreshold(Double.NaN)), "generation.threshold",
                reason + "NaN");
        assertRejected(rejectionOf(r -> generation(r).setThreshold(-1e-3)), "generation.threshold",
                reason + "-0.001");
        assertRejected(rejectionOf(r -> generation(r).setThreshold(0.0)), "generation.threshold", reason + "0.0");
        assertRejected(rejectionOf(r -> generation(r).setThreshold(Double.POSITIVE_INFINITY)),
                "generation.threshold", reason + "Infinity");
    }

    @Test
    void nullThresholdMeansTheDefault() {
        PromptRequest request = Fixtures.fullRequest();
        request.getGeneration().setThreshold(null);

        assertThat(VALIDATOR.validate(request)).isEmpty();
    }

    @Test
    void maxStepsOutOfRange() {
        assertRejected(rejectionOf(r -> generation(r).setMaxSteps(0)), "generation.max_steps",
                "generation.max_steps must be in [1, 32] (the engine's maximum) but was 0");
        assertRejected(rejectionOf(r -> generation(r).setMaxSteps(33)), "generation.max_steps",
                "generation.max_steps must be in [1, 32] (the engine's maximum) but was 33");
    }

    @Test
    void minStepsOutOfRange() {
        assertRejected(rejectionOf(r -> generation(r).setMinSteps(-1)), "generation.min_steps",
                "generation.min_steps must be in [0, 24] (max_steps) but was -1");
        assertRejected(rejectionOf(r -> generation(r).setMinSteps(25)), "generation.min_steps",
                "generation.min_steps must be in [0, 24] (max_steps) but was 25");
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
    void checkEveryOutOfRange() {
        assertRejected(rejectionOf(r -> generation(r).setCheckEvery(0)), "generation.check_every",
                "generation.check_every must be in [1, 24] (max_steps) but was 0");
    }

    @Test
    void temperatureMustBePositiveWhenSampling() {
        assertRejected(rejectionOf(r -> sampling(r).setTemperature(0.0)), "generation.sampling.temperature",
                "generation.sampling.temperature must be a finite number > 0 when sampling (greedy false) but was "
                        + "0.0; set greedy true for temperature 0");
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
    void samplingFiltersOutOfRange() {
        assertRejected(rejectionOf(r -> sampling(r).setTopK(-1)), "generation.sampling.top_k",
                "generation.sampling.top_k must be >= 0 (0 turns it off) but was -1");
        assertRejected(rejectionOf(r -> sampling(r).setTopP(0.0)), "generation.sampling.top_p",
                "generation.sampling.top_p must be in (0, 1] (1 turns it off) but was 0.0");
        assertRejected(rejectionOf(r -> sampling(r).setTopP(1.5)), "generation.sampling.top_p",
                "generation.sampling.top_p must be in (0, 1] (1 turns it off) but was 1.5");
        assertRejected(rejectionOf(r -> sampling(r).setMinP(1.0)), "generation.sampling.min_p",
                "generation.sampling.min_p must be in [0, 1) (0 turns it off) but was 1.0");
        assertRejected(rejectionOf(r -> sampling(r).setMinP(-0.1)), "generation.sampling.min_p",
                "generation.sampling.min_p must be in [0, 1) (0 turns it off) but was -0.1");
    }

    @Test
    void initScaleMustBeFiniteAndNonNegative() {
        assertRejected(rejectionOf(r -> generation(r).setInitScale(-0.5)), "generation.init_scale",
                "generation.init_scale must be a finite number >= 0 but was -0.5");
    }

    @Test
    void stopTokenOutsideTheVocabulary() {
        assertRejected(rejectionOf(r -> generation(r).setStopTokenIds(List.of(65505, 70000))),
                "generation.stop_token_ids[1]",
                "generation.stop_token_ids[1] must be in [0, 65536) (the model's vocabulary) but was 70000");
    }

    @Test
    void missingStopTokenList() {
        assertRejected(rejectionOf(r -> generation(r).setStopTokenIds(null)), "generation.stop_token_ids",
                "generation.stop_token_ids must be an array of token ids but was null");
    }

    @Test
    void aHugeRequestIdIsCutInTheReason() {
        Rejection rejection = rejectionOf(r -> r.setRequestId(" ".repeat(1000)));

        assertThat(rejection.reason()).isEqualTo("request_id must be a non-blank string but was '" + " ".repeat(80)
                + "...' (1000 characters)");
    }
}
