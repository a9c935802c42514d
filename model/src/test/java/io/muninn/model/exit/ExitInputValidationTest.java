package io.muninn.model.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the criteria refuse, and the messages that say why. */
class ExitInputValidationTest {

    @Test
    void startRefusesAnEmptyVocabulary() {
        assertRefused(() -> new MinPKlExit(1e-6).start(null, 1, 4, 0),
                "exit criterion minp-kl needs vocabSize >= 1 but was 0");
    }

    @Test
    void memoryOfAnotherCriterionIsRefused() {
        ExitMemory latentMemory = new LatentDiffExit(0.03).start(new float[4], 1, 4, 0);
        assertRefused(() -> new KlDivergenceExit(5e-4).evaluate(latentMemory, new float[3], null, 1, 4),
                "exit memory has no previousLogProbs: it was not started by exit criterion kl");
        assertRefused(() -> new EntropyDiffExit(1e-3).evaluate(latentMemory, new float[3], null, 1, 4),
                "exit memory has no previousScalar: it was not started by exit criterion entropy-diff");
        ExitMemory klMemory = new KlDivergenceExit(5e-4).start(null, 1, 4, 3);
        assertRefused(() -> new CosineExit(1e-3).evaluate(klMemory, null, new float[4], 1, 4),
                "exit memory has no previousLatents: it was not started by exit criterion cosine");
    }

    @Test
    void nanAndPositiveInfiniteLogitsAreNamedByIndex() {
        float[] logits = {0f, 1f, Float.NaN, 2f};
        for (String name : new String[] {"kl", "minp-kl", "entropy-diff"}) {
            ExitCriterion criterion = ExitCriterion.withDefaultThreshold(name);
            ExitMemory memory = criterion.start(null, 1, 4, 4);
            assertThatThrownBy(() -> criterion.evaluate(memory, logits, null, 1, 4))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("logits[2] must be finite or -Infinity but was NaN");
        }
        ExitCriterion kl = new KlDivergenceExit(5e-4);
        assertRefused(() -> kl.evaluate(kl.start(null, 1, 4, 3), new float[] {0f, 0f, Float.POSITIVE_INFINITY},
                null, 1, 4), "logits[2] must be finite or -Infinity but was Infinity");
        ExitCriterion argmax = new ArgmaxStabilityExit(5);
        assertRefused(() -> argmax.evaluate(argmax.start(null, 1, 4, 4), logits, null, 1, 4),
                "logits[2] must not be NaN");
    }

    /** Logit-criterion checks the kl criterion refuses: its vocabulary, the check's logits and latents. */
    static Stream<Arguments> refusedLogitChecks() {
        return Stream.of(
                Arguments.of("missing logits", 10, null, new float[4],
                        "exit criterion kl needs the last row's logits but got null"),
                Arguments.of("a vocabulary other than the started one", 10, new float[12], null,
                        "exit memory holds previousLogProbs of length 10 but this check has 12 values"),
                Arguments.of("all logits -Infinity", 2,
                        new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, null,
                        "logits must have at least one finite value but all 2 are -Infinity"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedLogitChecks")
    void logitCriteriaRefuse(String what, int vocab, float[] logits, float[] latents, String message) {
        ExitCriterion kl = new KlDivergenceExit(5e-4);
        ExitMemory memory = kl.start(null, 1, 4, vocab);
        assertRefused(() -> kl.evaluate(memory, logits, latents, 1, 4), message);
    }

    @Test
    void negativeInfiniteLogitsAreTokensOfProbabilityZero() {
        ExitCriterion kl = new KlDivergenceExit(5e-4);
        ExitMemory memory = kl.start(null, 1, 4, 4);
        float[] masked = {1f, Float.NEGATIVE_INFINITY, 2f, Float.NEGATIVE_INFINITY};
        // the uniform start has mass on the masked tokens, so the first check is infinite and never exits
        assertThat(kl.evaluate(memory, masked, null, 1, 4)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(memory.previousLogProbs[1]).isEqualTo(Double.NEGATIVE_INFINITY);
        // 0 · log 0 = 0: the masked tokens contribute nothing when they stay masked
        assertThat(kl.evaluate(memory, masked.clone(), null, 1, 4)).isZero();
    }

    @Test
    void latentCriteriaCheckTheShape() {
        ExitCriterion latentDiff = new LatentDiffExit(0.03);
        assertRefused(() -> latentDiff.start(new float[10], 3, 4, 0),
                "exit criterion latent-diff needs initial latents of rows * hidden = 3 * 4 = 12 values but got 10");
        assertRefused(() -> latentDiff.start(null, 3, 4, 0),
                "exit criterion latent-diff needs initial latents but got null");
        assertRefused(() -> latentDiff.start(new float[10], 0, 4, 0),
                "exit criterion latent-diff needs rows >= 1 but was 0");
        assertRefused(() -> latentDiff.start(new float[10], 1, 0, 0),
                "exit criterion latent-diff needs hidden >= 1 but was 0");

        ExitCriterion cosine = new CosineExit(1e-3);
        ExitMemory memory = cosine.start(new float[8], 2, 4, 0);
        assertRefused(() -> cosine.evaluate(memory, null, new float[12], 3, 4),
                "exit memory holds previousLatents of length 8 but this check has 12 values");
        assertRefused(() -> cosine.evaluate(memory, null, new float[6], 2, 4),
                "exit criterion cosine needs latents of rows * hidden = 2 * 4 = 8 values but got 6");
    }

    @Test
    void noneIsNeverEvaluated() {
        ExitCriterion none = new FixedSteps();
        ExitMemory memory = none.start(null, 1, 4, 10);
        assertThat(memory).isEqualTo(new ExitMemory());
        assertThatThrownBy(() -> none.evaluate(memory, new float[10], new float[4], 1, 4))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("exit criterion none is never evaluated: ExitPolicy.checksAt is false for every step");
    }

    private static void assertRefused(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
