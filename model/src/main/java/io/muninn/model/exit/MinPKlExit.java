package io.muninn.model.exit;

import java.nio.FloatBuffer;

/**
 * {@code minp-kl}: {@link KlDivergenceExit kl} between min-p filtered distributions. With {@code p} the float64
 * softmax of the logits, every {@code p_v < 0.1 · max p} is replaced by {@code 1/V}, the result is renormalised by
 * its sum (in vocabulary order), and {@code log(p'_v / sum)} (float64) is the remembered log-probability. Starts from
 * the uniform distribution; exits when the value is below the threshold (default 1e-6).
 */
public final class MinPKlExit extends BelowThreshold implements LogProbCriterion {
    public static final String NAME = "minp-kl";
    public static final double DEFAULT_THRESHOLD = 1e-6;
    /** Probabilities below this fraction of the maximum are flattened to 1/V. */
    public static final double MIN_P = 0.1;

    /** @param threshold a finite number > 0 */
    public MinPKlExit(double threshold) {
        super(NAME, threshold, MinPKlExit::new);
    }

    /** The min-p filtered, renormalised log-probabilities (see the class comment). */
    @Override
    public void logProbs(FloatBuffer logits, int from, int vocab, double max, double[] out) {
        double sum = Logits.shiftedExp(logits, from, vocab, max, out);
        // exp(0) = 1 at the argmax, so the largest probability is exactly 1 / sum
        double floor = MIN_P * (1.0 / sum);
        double uniform = 1.0 / vocab;
        double filteredSum = 0;
        for (int v = 0; v < vocab; v++) {
            double pv = out[v] / sum;
            double filtered = pv < floor ? uniform : pv;
            out[v] = filtered;
            filteredSum += filtered;
        }
        for (int v = 0; v < vocab; v++) {
            out[v] = StrictMath.log(out[v] / filteredSum);
        }
    }
}
