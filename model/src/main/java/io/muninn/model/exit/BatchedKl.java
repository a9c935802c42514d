package io.muninn.model.exit;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * {@link KlDivergenceExit}'s check as a batch runs it ({@link BatchedChecks}): it rewrites the same float64 quantity,
 * {@code KL(p_prev ‖ p_cur) = Σ p_prev·(log p_prev − log p_cur)}, as {@code lse_cur − Σ p_prev·x_cur − H_prev} (x the
 * logits, lse their log-sum-exp, H the entropy), which needs one exp per logit where the heap criterion needs two:
 * each check remembers the probabilities and the entropy for the next one. Values agree with
 * {@link KlDivergenceExit#evaluate} to float64 rounding (about 1e-15 of ln V), not bit for bit, and use
 * {@link Math#exp} rather than {@link StrictMath}.
 */
final class BatchedKl {
    private BatchedKl() {}

    /** A memory for one token whose previous distribution is the uniform one (probability 1/V, entropy ln V). */
    static ExitMemory start(int vocabSize) {
        ExitMemory memory = new ExitMemory();
        double[] probs = new double[Checks.vocabSize(KlDivergenceExit.NAME, vocabSize)];
        Arrays.fill(probs, 1.0 / vocabSize);
        memory.previousProbs = probs;
        memory.previousScalar = -StrictMath.log(1.0 / vocabSize);
        return memory;
    }

    /** The value for the row {@code x[from .. from+vocab)}; moves the memory (from {@link #start}) to this check. */
    static double check(ExitMemory memory, FloatBuffer x, int from, int vocab) {
        double[] p = memory.previousProbs;
        if (p == null || p.length != vocab) {
            throw new IllegalStateException("a batched kl check needs a memory from KlDivergenceExit.startBatched for "
                    + vocab + " logits");
        }
        double max = Double.NEGATIVE_INFINITY;
        double previousDot = 0; // Σ p_prev · x
        for (int v = 0; v < vocab; v++) {
            float xv = x.get(from + v);
            if (xv != xv || xv == Float.POSITIVE_INFINITY || xv == Float.NEGATIVE_INFINITY) {
                throw new IllegalArgumentException("logits[" + v + "] must be finite in a batched kl check but was " + xv);
            }
            max = Math.max(max, xv);
            previousDot += p[v] * xv;
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            double e = Math.exp(x.get(from + v) - max);
            p[v] = e;
            sum += e;
        }
        double logSumExp = max + Math.log(sum);
        double currentDot = 0; // Σ p_cur · x
        for (int v = 0; v < vocab; v++) {
            double q = p[v] / sum;
            p[v] = q;
            currentDot += q * x.get(from + v);
        }
        double kl = logSumExp - previousDot - memory.previousScalar;
        memory.previousScalar = logSumExp - currentDot; // this check's entropy
        return kl;
    }
}
