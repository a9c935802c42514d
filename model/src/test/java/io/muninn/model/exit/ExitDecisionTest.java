package io.muninn.model.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sequences of exit decisions for scripted series of distributions and latents. */
class ExitDecisionTest {
    private static final int VOCAB = 4096;

    /** Evaluates the criterion on each logits row in turn and returns whether each check exits. */
    private static List<Boolean> decisions(ExitCriterion criterion, float[]... logitsPerCheck) {
        ExitMemory memory = criterion.start(null, 1, 4, logitsPerCheck[0].length);
        List<Boolean> decisions = new ArrayList<>();
        for (float[] logits : logitsPerCheck) {
            decisions.add(criterion.exits(criterion.evaluate(memory, logits, null, 1, 4)));
        }
        return decisions;
    }

    private static float[] peaked(int argmax, float height) {
        float[] logits = NaiveOracle.randomLogits(new Random(argmax), VOCAB, 1.0);
        logits[argmax] += height;
        return logits;
    }

    private static float[] perturbed(float[] logits, long seed, double scale) {
        float[] out = logits.clone();
        float[] noise = NaiveOracle.randomLogits(new Random(seed), out.length, scale);
        for (int v = 0; v < out.length; v++) {
            out[v] += noise[v];
        }
        return out;
    }

    @Test
    void firstKlCheckFromUniformIsKlOfUniformToPAndDoesNotExitForPeakedLogits() {
        float[] logits = peaked(17, 12f);
        ExitCriterion kl = ExitCriterion.withDefaultThreshold("kl");
        ExitMemory memory = kl.start(null, 1, 4, VOCAB);

        double value = kl.evaluate(memory, logits, null, 1, 4);

        // KL(p_{t-1} ‖ p_t) with p_{t-1} uniform: KL(uniform ‖ p) = −log V − mean_v log p(v)
        double[] p = NaiveOracle.softmax(logits);
        double meanLogP = Arrays.stream(p).map(Math::log).average().orElseThrow();
        assertThat(value).isCloseTo(-Math.log(VOCAB) - meanLogP, within(1e-5));
        assertThat(kl.exits(value)).isFalse();
    }

    @Test
    void klExitsAtTheFirstCheckUnderTheThreshold() {
        float[] converged = peaked(3, 6f);
        float[][] series = {
            perturbed(converged, 1, 1.0),
            perturbed(converged, 2, 0.1),
            perturbed(converged, 3, 0.03),
            perturbed(converged, 4, 0.003),
            perturbed(converged, 5, 0.0003),
        };
        // precondition on the script itself, from the oracle: KL above 5e-4 for checks 1-3, below at 4
        double[] previous = NaiveOracle.uniformLogProbs(VOCAB);
        List<Boolean> oracle = new ArrayList<>();
        for (float[] logits : series) {
            double[] current = NaiveOracle.logOf(NaiveOracle.softmax(logits));
            oracle.add(NaiveOracle.kl(previous, current) < 5e-4);
            previous = current;
        }
        assertThat(oracle).containsExactly(false, false, false, true, true);

        assertThat(decisions(new KlDivergenceExit(5e-4), series)).containsExactly(false, false, false, true, true);
    }

    @Test
    void klOfIdenticalConsecutiveDistributionsIsZero() {
        float[] logits = peaked(9, 4f);
        ExitCriterion kl = new KlDivergenceExit(1e-12);
        ExitMemory memory = kl.start(null, 1, 4, VOCAB);
        kl.evaluate(memory, logits, null, 1, 4);
        assertThat(kl.evaluate(memory, logits.clone(), null, 1, 4)).isZero();
    }

    @Test
    void minPKlIgnoresChangesAmongFilteredTokens() {
        // only token 0 survives the min-p filter; the tail moves a lot but stays below 0.1 * max p
        float[] first = new float[VOCAB];
        Arrays.fill(first, -20f);
        first[0] = 10f;
        float[] second = perturbed(first, 7, 2.0);
        second[0] = 10f;
        assertThat(decisions(new MinPKlExit(1e-6), first, second)).containsExactly(false, true);
        assertThat(decisions(new KlDivergenceExit(1e-12), first, second)).containsExactly(false, false);
    }

    @Test
    void entropyDiffNeverExitsAtTheFirstCheckAndExitsWhenTheEntropySettles() {
        float[] logits = peaked(5, 3f);
        float[] sameEntropy = new float[VOCAB];
        // a permutation of the logits has exactly the same multiset of probabilities
        for (int v = 0; v < VOCAB; v++) {
            sameEntropy[v] = logits[VOCAB - 1 - v];
        }
        assertThat(decisions(new EntropyDiffExit(1e-3), logits, perturbed(logits, 8, 0.5), sameEntropy))
                .containsExactly(false, false, false);
        assertThat(decisions(new EntropyDiffExit(1e-3), logits, sameEntropy)).containsExactly(false, true);
    }

    @Test
    void argmaxStabilityWithThresholdNExitsAfterNPlusOneChecks() {
        for (int n = 1; n <= 4; n++) {
            float[][] series = new float[n + 1][];
            for (int i = 0; i <= n; i++) {
                series[i] = peaked(11, 5f + i);
            }
            List<Boolean> expected = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                expected.add(false);
            }
            expected.add(true);
            assertThat(decisions(new ArgmaxStabilityExit(n), series)).as("threshold %s", n).isEqualTo(expected);
        }
    }

    @Test
    void argmaxStabilityRestartsCountingWhenTheArgmaxChanges() {
        ExitCriterion criterion = ExitCriterion.of("argmax-stability", 2);
        ExitMemory memory = criterion.start(null, 1, 4, VOCAB);
        List<Double> values = new ArrayList<>();
        for (int argmax : new int[] {4, 4, 9, 9, 9, 9}) {
            values.add(criterion.evaluate(memory, peaked(argmax, 8f), null, 1, 4));
        }
        assertThat(values).containsExactly(0.0, 1.0, 0.0, 1.0, 2.0, 3.0);
        assertThat(criterion.exits(1.0)).isFalse();
        assertThat(criterion.exits(2.0)).isTrue();
    }

    @Test
    void argmaxStabilityTakesTheFirstOfTiedMaxima() {
        float[] logits = new float[8];
        logits[2] = 1f;
        logits[6] = 1f;
        ExitCriterion criterion = new ArgmaxStabilityExit(1);
        ExitMemory memory = criterion.start(null, 1, 4, 8);
        criterion.evaluate(memory, logits, null, 1, 4);
        assertThat(memory.previousArgmax).isEqualTo(2);
    }

    @Test
    void cosineIsScaleInvariantButLatentDiffIsNot() {
        Random random = new Random(50);
        int rows = 2;
        int hidden = 32;
        float[] s0 = NaiveOracle.randomLatents(random, rows * hidden);
        float[] s1 = NaiveOracle.randomLatents(random, rows * hidden);
        float[] s2 = s1.clone();
        for (int i = 0; i < s2.length; i++) {
            s2[i] *= 2f;
        }
        ExitCriterion cosine = ExitCriterion.withDefaultThreshold("cosine");
        ExitMemory cosineMemory = cosine.start(s0, rows, hidden, 0);
        assertThat(cosine.exits(cosine.evaluate(cosineMemory, null, s1, rows, hidden))).isFalse();
        double cosineValue = cosine.evaluate(cosineMemory, null, s2, rows, hidden);
        assertThat(cosineValue).isCloseTo(0.0, within(1e-12));
        assertThat(cosine.exits(cosineValue)).isTrue();

        ExitCriterion latentDiff = ExitCriterion.withDefaultThreshold("latent-diff");
        ExitMemory diffMemory = latentDiff.start(s0, rows, hidden, 0);
        assertThat(latentDiff.exits(latentDiff.evaluate(diffMemory, null, s1, rows, hidden))).isFalse();
        double diffValue = latentDiff.evaluate(diffMemory, null, s2, rows, hidden);
        assertThat(diffValue).isEqualTo(0.5); // ‖2s − s‖ / ‖2s‖ in every row
        assertThat(latentDiff.exits(diffValue)).isFalse();
        assertThat(latentDiff.exits(latentDiff.evaluate(diffMemory, null, s2.clone(), rows, hidden))).isTrue();
    }

    @Test
    void latentDiffFromZeroInitialStateIsOneAndCosineFromZeroIsOne() {
        float[] zeros = new float[8];
        float[] s1 = NaiveOracle.randomLatents(new Random(60), 8);
        ExitCriterion latentDiff = new LatentDiffExit(0.03);
        assertThat(latentDiff.evaluate(latentDiff.start(zeros, 1, 8, 0), null, s1, 1, 8)).isEqualTo(1.0);
        ExitCriterion cosine = new CosineExit(1e-3);
        assertThat(cosine.evaluate(cosine.start(zeros, 1, 8, 0), null, s1, 1, 8)).isEqualTo(1.0);
    }

    @Test
    void thresholdComparisonsAreStrictBelowAndInclusiveAbove() {
        assertThat(new KlDivergenceExit(1e-3).exits(1e-3)).isFalse();
        assertThat(new KlDivergenceExit(1e-3).exits(Math.nextDown(1e-3))).isTrue();
        assertThat(new LatentDiffExit(0.03).exits(Double.NaN)).isFalse();
        assertThat(new CosineExit(1e-3).exits(Double.POSITIVE_INFINITY)).isFalse();
        assertThat(new ArgmaxStabilityExit(3).exits(3)).isTrue();
        assertThat(new ArgmaxStabilityExit(3).exits(2)).isFalse();
        assertThat(new FixedSteps().exits(0)).isFalse();
    }

    @Test
    void memoryCopySnapshotContinuesExactlyLikeTheOriginal() {
        ExitCriterion kl = ExitCriterion.withDefaultThreshold("kl");
        ExitMemory memory = kl.start(null, 1, 4, VOCAB);
        kl.evaluate(memory, peaked(1, 3f), null, 1, 4);
        ExitMemory snapshot = new ExitMemory(memory);

        float[] next = peaked(2, 3f);
        double original = kl.evaluate(memory, next, null, 1, 4);
        double restored = kl.evaluate(snapshot, next, null, 1, 4);

        assertThat(restored).isEqualTo(original);
        assertThat(snapshot).isEqualTo(memory);
    }
}
