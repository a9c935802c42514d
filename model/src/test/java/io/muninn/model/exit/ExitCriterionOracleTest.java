package io.muninn.model.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each criterion's values over a run of seeded random checks against {@link NaiveOracle}. */
class ExitCriterionOracleTest {
    private static final int CHECKS = 6;

    private static void assertClose(double actual, double expected, String what) {
        assertThat(actual).as(what).isCloseTo(expected, within(1e-9 + 1e-9 * Math.abs(expected)));
    }

    /** Float32 log-probabilities may differ from the oracle's by the rounding of one float. */
    private static void assertLogProbsClose(double[] actual, double[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int v = 0; v < actual.length; v++) {
            assertThat(actual[v]).as("%s[%s]", what, v).isCloseTo(expected[v], within(1e-12 * Math.max(1, Math.abs(expected[v]))));
        }
    }

    /**
     * The two KL criteria, each with the distribution the oracle compares: the softmax (kl) or the softmax after the
     * min-p filter (minp-kl); the seed, the vocabulary and the logits' scale.
     */
    static Stream<Arguments> klCriteria() {
        UnaryOperator<double[]> softmax = p -> p;
        UnaryOperator<double[]> minP = NaiveOracle::minPFiltered;
        return Stream.of(
                Arguments.of("kl", new KlDivergenceExit(5e-4), softmax, 1L, 3000, 3.0),
                Arguments.of("kl", new KlDivergenceExit(5e-4), softmax, 2L, 3000, 3.0),
                Arguments.of("kl", new KlDivergenceExit(5e-4), softmax, 3L, 3000, 3.0),
                Arguments.of("minp-kl", new MinPKlExit(1e-6), minP, 4L, 2000, 2.5),
                Arguments.of("minp-kl", new MinPKlExit(1e-6), minP, 5L, 2000, 2.5),
                Arguments.of("minp-kl", new MinPKlExit(1e-6), minP, 6L, 2000, 2.5));
    }

    @ParameterizedTest(name = "{0} seed {3}")
    @MethodSource("klCriteria")
    void klCriteriaMatchTheOracle(String name, ExitCriterion criterion, UnaryOperator<double[]> distribution,
            long seed, int vocab, double scale) {
        Random random = new Random(seed);
        ExitMemory memory = criterion.start(null, 1, 8, vocab);
        double[] oraclePrevious = NaiveOracle.uniformLogProbs(vocab);
        assertLogProbsClose(memory.previousLogProbs, oraclePrevious, "uniform start");
        float[] base = NaiveOracle.randomLogits(random, vocab, scale);
        for (int check = 1; check <= CHECKS; check++) {
            float[] logits = base.clone();
            float[] noise = NaiveOracle.randomLogits(random, vocab, Math.pow(0.3, check));
            for (int v = 0; v < vocab; v++) {
                logits[v] += noise[v];
            }
            double[] oracleCurrent = NaiveOracle.logOf(distribution.apply(NaiveOracle.softmax(logits)));
            double expected = NaiveOracle.kl(oraclePrevious, oracleCurrent);

            double value = criterion.evaluate(memory, logits, null, 1, 8);

            assertClose(value, expected, name + " at check " + check);
            assertLogProbsClose(memory.previousLogProbs, oracleCurrent, "remembered log p at check " + check);
            assertThat(memory.getLastValue()).isEqualTo(value);
            assertThat(memory.getChecks()).isEqualTo(check);
            oraclePrevious = oracleCurrent;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9})
    void entropyDiffMatchesOracle(long seed) {
        Random random = new Random(seed);
        int vocab = 5000;
        ExitCriterion entropyDiff = new EntropyDiffExit(1e-3);
        ExitMemory memory = entropyDiff.start(null, 1, 8, vocab);
        double previousEntropy = 100.0;
        for (int check = 1; check <= CHECKS; check++) {
            float[] logits = NaiveOracle.randomLogits(random, vocab, check);
            double entropy = NaiveOracle.entropy(NaiveOracle.softmax(logits));

            double value = entropyDiff.evaluate(memory, logits, null, 1, 8);

            assertClose(value, Math.abs(entropy - previousEntropy), "entropy-diff at check " + check);
            assertClose(memory.previousScalar, entropy, "remembered entropy at check " + check);
            previousEntropy = entropy;
        }
    }

    /** A latent criterion's oracle: its value for the previous and the current latents. */
    interface LatentOracle {
        double value(float[] previous, float[] current, int rows, int hidden);
    }

    /** The latents of a check from the previous ones and fresh random ones. */
    interface NextLatents {
        float[] next(float[] previous, float[] fresh, int check);
    }

    /**
     * The two latent criteria with their oracles: latent-diff over independent random latents, cosine over latents
     * that converge (each check moves them by half as much as the one before); the rows, the seed and the width.
     */
    static Stream<Arguments> latentCriteria() {
        NextLatents independent = (previous, fresh, check) -> fresh;
        NextLatents converging = (previous, fresh, check) -> {
            for (int i = 0; i < fresh.length; i++) {
                fresh[i] = previous[i] + fresh[i] * (float) Math.pow(0.5, check);
            }
            return fresh;
        };
        LatentOracle latentDiff = NaiveOracle::latentDiff;
        LatentOracle cosine = NaiveOracle::cosine;
        return Stream.of(
                Arguments.of("latent-diff", new LatentDiffExit(0.03), latentDiff, independent, 1, 11L, 64),
                Arguments.of("latent-diff", new LatentDiffExit(0.03), latentDiff, independent, 3, 13L, 64),
                Arguments.of("cosine", new CosineExit(1e-3), cosine, converging, 1, 21L, 48),
                Arguments.of("cosine", new CosineExit(1e-3), cosine, converging, 4, 24L, 48));
    }

    @ParameterizedTest(name = "{0} rows {4}")
    @MethodSource("latentCriteria")
    void latentCriteriaMatchTheOracle(String name, ExitCriterion criterion, LatentOracle oracle, NextLatents next,
            int rows, long seed, int hidden) {
        Random random = new Random(seed);
        float[] previous = NaiveOracle.randomLatents(random, rows * hidden);
        ExitMemory memory = criterion.start(previous, rows, hidden, 0);
        assertThat(memory.previousLatents).containsExactly(previous).isNotSameAs(previous);
        for (int check = 1; check <= CHECKS; check++) {
            float[] latents = next.next(previous, NaiveOracle.randomLatents(random, rows * hidden), check);

            double value = criterion.evaluate(memory, null, latents, rows, hidden);

            assertClose(value, oracle.value(previous, latents, rows, hidden), name + " at check " + check);
            assertThat(memory.previousLatents).containsExactly(latents);
            previous = latents;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {30, 31})
    void argmaxStabilityMatchesOracle(long seed) {
        Random random = new Random(seed);
        int vocab = 50;
        ExitCriterion argmax = new ArgmaxStabilityExit(5);
        ExitMemory memory = argmax.start(null, 1, 8, vocab);
        int previousArgmax = -1;
        int stable = 0;
        for (int check = 1; check <= 40; check++) {
            // a few candidates compete, so the argmax both repeats and changes
            float[] logits = NaiveOracle.randomLogits(random, vocab, 0.1);
            logits[random.nextInt(3)] += 5f;
            int expectedArgmax = NaiveOracle.argmax(logits);
            stable = expectedArgmax == previousArgmax ? stable + 1 : 0;
            previousArgmax = expectedArgmax;

            double value = argmax.evaluate(memory, logits, null, 1, 8);

            assertThat(value).as("argmax-stability at check %s", check).isEqualTo(stable);
            assertThat(memory.previousArgmax).isEqualTo(expectedArgmax);
        }
    }

    @ParameterizedTest(name = "criterion {0}")
    @ValueSource(strings = {"latent-diff", "cosine"})
    void latentCriteriaReadOnlyTheFirstRowsTimesHiddenValues(String name) {
        Random random = new Random(40);
        ExitCriterion criterion = ExitCriterion.withDefaultThreshold(name);
        float[] s0 = NaiveOracle.randomLatents(random, 2 * 16);
        float[] latents = NaiveOracle.randomLatents(random, 2 * 16);
        float[] padded = Arrays.copyOf(latents, 2 * 16 + 5);
        Arrays.fill(padded, 2 * 16, padded.length, 1e6f);

        double exact = criterion.evaluate(criterion.start(s0, 2, 16, 0), null, latents, 2, 16);
        double fromPadded = criterion.evaluate(criterion.start(Arrays.copyOf(s0, 40), 2, 16, 0), null, padded, 2, 16);

        assertThat(fromPadded).isEqualTo(exact);
    }
}
