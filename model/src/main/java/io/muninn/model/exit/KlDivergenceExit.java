package io.muninn.model.exit;

import java.nio.FloatBuffer;

/**
 * {@code kl}: the KL divergence KL(p_{t−1} ‖ p_t) = Σ exp(prev)·(prev − cur) between the last row's distributions at
 * consecutive checks, where {@code cur = log_softmax_float64(logits)} is also what is remembered (float64: a float32
 * copy would add about 1e-7 of rounding to values compared against thresholds as small as 1e-6). The first check
 * compares with the uniform distribution, so it does not exit for any peaked distribution. Exits when the value is
 * below the threshold; the paper's threshold is 5e-4. Checked in batches, it runs {@link BatchedKl}'s form of the
 * same value (one exp per logit instead of two).
 */
public final class KlDivergenceExit extends BelowThreshold implements LogProbCriterion {
    public static final String NAME = "kl";
    public static final double DEFAULT_THRESHOLD = 5e-4;

    /** @param threshold a finite number > 0 */
    public KlDivergenceExit(double threshold) {
        super(NAME, threshold, KlDivergenceExit::new);
    }

    /** {@code log_softmax} in float64: {@code (x_v − max) − log Σ exp(x − max)}. */
    @Override
    public void logProbs(FloatBuffer logits, int from, int vocab, double max, double[] out) {
        double logSum = Logits.logSumShiftedExp(logits, from, vocab, max);
        for (int v = 0; v < vocab; v++) {
            out[v] = (logits.get(from + v) - max) - logSum;
        }
    }

    /** A memory for {@link BatchedKl}: the uniform probabilities and their entropy. */
    @Override
    public ExitMemory startBatched(int vocabSize) {
        return BatchedKl.start(vocabSize);
    }

    @Override
    public double checkBatched(ExitMemory memory, FloatBuffer logits, int from, int vocab) {
        return BatchedKl.check(memory, logits, from, vocab);
    }
}
