package io.muninn.model.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
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

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void klMatchesOracle(long seed) {
        Random random = new Random(seed);
        int vocab = 3000;
        ExitCriterion kl = new KlDivergenceExit(5e-4);
        ExitMemory memory = kl.start(null, 1, 8, vocab);
        double[] oraclePrevious = NaiveOracle.uniformLogProbs(vocab);
        assertLogProbsClose(memory.previousLogProbs, oraclePrevious, "uniform start");
        float[] base = NaiveOracle.randomLogits(random, vocab, 3.0);
        for (int check = 1; check <= CHECKS; check++) {
            float[] logits = base.clone();
            float[] noise = NaiveOracle.randomLogits(random, vocab, Math.pow(0.3, check));
            for (int v = 0; v < vocab; v++) {
                logits[v] += noise[v];
            }
            double[] oracleCurrent = NaiveOracle.logOf(NaiveOracle.softmax(logits));
            double expected = NaiveOracle.kl(oraclePrevious, oracleCurrent);

            double value = kl.evaluate(memory, logits, null, 1, 8);

            assertClose(value, expected, "kl at check " + check);
            assertLogProbsClose(memory.previousLogProbs, oracleCurrent, "remembered log p at check " + check);
            assertThat(memory.getLastValue()).isEqualTo(value);
            assertThat(memory.getChecks()).isEqualTo(check);
            oraclePrevious = oracleCurrent;
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5, 6})
    void minPKlMatchesOracle(long seed) {
        Random random = new Random(seed);
        int vocab = 2000;
        ExitCriterion minPKl = new MinPKlExit(1e-6);
        ExitMemory memory = minPKl.start(null, 1, 8, vocab);
        double[] oraclePrevious = NaiveOracle.uniformLogProbs(vocab);
        float[] base = NaiveOracle.randomLogits(random, vocab, 2.5);
        for (int check = 1; check <= CHECKS; check++) {
            float[] logits = base.clone();
            float[] noise = NaiveOracle.randomLogits(random, vocab, Math.pow(0.3, check));
            for (int v = 0; v < vocab; v++) {
                logits[v] += noise[v];
            }
            double[] oracleCurrent = NaiveOracle.logOf(NaiveOracle.minPFiltered(NaiveOracle.softmax(logits)));
            double expected = NaiveOracle.kl(oraclePrevious, oracleCurrent);

            double value = minPKl.evaluate(memory, logits, null, 1, 8);

            assertClose(value, expected, "minp-kl at check " + check);
            assertLogProbsClose(memory.previousLogProbs, oracleCurrent, "remembered log p' at check " + check);
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

    @ParameterizedTest(name = "rows {0}")
    @ValueSource(ints = {1, 3})
    void latentDiffMatchesOracle(int rows) {
        Random random = new Random(10 + rows);
        int hidden = 64;
        ExitCriterion latentDiff = new LatentDiffExit(0.03);
        float[] previous = NaiveOracle.randomLatents(random, rows * hidden);
        ExitMemory memory = latentDiff.start(previous, rows, hidden, 0);
        assertThat(memory.previousLatents).containsExactly(previous).isNotSameAs(previous);
        for (int check = 1; check <= CHECKS; check++) {
            float[] latents = NaiveOracle.randomLatents(random, rows * hidden);

            double value = latentDiff.evaluate(memory, null, latents, rows, hidden);

            assertClose(value, NaiveOracle.latentDiff(previous, latents, rows, hidden), "latent-diff at " + check);
            assertThat(memory.previousLatents).containsExactly(latents);
            previous = latents;
        }
    }

    @ParameterizedTest(name = "rows {0}")
    @ValueSource(ints = {1, 4})
    void cosineMatchesOracle(int rows) {
        Random random = new Random(20 + rows);
        int hidden = 48;
        ExitCriterion cosine = new CosineExit(1e-3);
        float[] previous = NaiveOracle.randomLatents(random, rows * hidden);
        ExitMemory memory = cosine.start(previous, rows, hidden, 0);
        for (int check = 1; check <= CHECKS; check++) {
            float[] latents = NaiveOracle.randomLatents(random, rows * hidden);
            for (int i = 0; i < latents.length; i++) {
                latents[i] = previous[i] + latents[i] * (float) Math.pow(0.5, check);
            }

            double value = cosine.evaluate(memory, null, latents, rows, hidden);

            assertClose(value, NaiveOracle.cosine(previous, latents, rows, hidden), "cosine at check " + check);
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
