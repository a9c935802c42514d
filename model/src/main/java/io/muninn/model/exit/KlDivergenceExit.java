package io.muninn.model.exit;

/**
 * {@code kl}: the KL divergence KL(p_{t−1} ‖ p_t) = Σ exp(prev)·(prev − cur) between the last row's distributions at
 * consecutive checks, where {@code cur = log_softmax_float64(logits)} is also what is remembered (float64: a float32
 * copy would add about 1e-7 of rounding to values compared against thresholds as small as 1e-6). The first check
 * compares with the uniform distribution, so it does not exit for any peaked distribution. Exits when the value is
 * below the threshold; the paper's threshold is 5e-4.
 *
 * @param threshold a finite number > 0
 */
public record KlDivergenceExit(double threshold) implements LogProbCriterion {
    public static final String NAME = "kl";
    public static final double DEFAULT_THRESHOLD = 5e-4;

    public KlDivergenceExit {
        Checks.positiveFiniteThreshold(NAME, threshold);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** {@code log_softmax} in float64: {@code (x_v − max) − log Σ exp(x − max)}. */
    @Override
    public void logProbs(float[] logits, double[] out) {
        double max = Logits.max(logits);
        double logSum = Logits.logSumShiftedExp(logits, max);
        for (int v = 0; v < logits.length; v++) {
            out[v] = (logits[v] - max) - logSum;
        }
    }
}
