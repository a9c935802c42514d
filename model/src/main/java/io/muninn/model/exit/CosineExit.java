package io.muninn.model.exit;

import java.nio.FloatBuffer;

/**
 * {@code cosine}: 1 − the mean over the call's rows of s_t·s_{t−1} / max(‖s_t‖₂·‖s_{t−1}‖₂, 1e-8), on the raw core
 * outputs (before {@code ln_f}), in float64. Starts from s0; exits when the value is below the threshold (default
 * 1e-3).
 *
 * @param threshold a finite number > 0
 */
public record CosineExit(double threshold) implements LatentCriterion {
    public static final String NAME = "cosine";
    public static final double DEFAULT_THRESHOLD = 1e-3;
    private static final double NORM_PRODUCT_FLOOR = 1e-8;

    public CosineExit {
        Checks.positiveFiniteThreshold(NAME, threshold);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ExitCriterion loosened(double factor) {
        return new CosineExit(Checks.loosened(threshold, factor));
    }

    /** The row's cosine similarity s_t·s_{t−1} / max(‖s_t‖₂·‖s_{t−1}‖₂, 1e-8). */
    @Override
    public double rowTerm(FloatBuffer current, FloatBuffer previous, int from, int hidden) {
        double dot = 0;
        double curSq = 0;
        double prevSq = 0;
        for (int i = from, end = from + hidden; i < end; i++) {
            double cur = current.get(i);
            double prev = previous.get(i);
            dot += cur * prev;
            curSq += cur * cur;
            prevSq += prev * prev;
        }
        return dot / Math.max(Math.sqrt(curSq) * Math.sqrt(prevSq), NORM_PRODUCT_FLOOR);
    }

    /** 1 − the mean cosine similarity. */
    @Override
    public double valueOfMean(double meanOfRows) {
        return 1.0 - meanOfRows;
    }
}
