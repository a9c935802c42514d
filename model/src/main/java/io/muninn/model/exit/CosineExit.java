package io.muninn.model.exit;

import java.nio.FloatBuffer;

/**
 * {@code cosine}: 1 − the mean over the call's rows of s_t·s_{t−1} / max(‖s_t‖₂·‖s_{t−1}‖₂, 1e-8), on the raw core
 * outputs (before {@code ln_f}), in float64. Starts from s0; exits when the value is below the threshold (default
 * 1e-3).
 */
public final class CosineExit extends BelowThreshold implements LatentCriterion {
    public static final String NAME = "cosine";
    public static final double DEFAULT_THRESHOLD = 1e-3;
    private static final double NORM_PRODUCT_FLOOR = 1e-8;

    /** @param threshold a finite number > 0 */
    public CosineExit(double threshold) {
        super(NAME, threshold, CosineExit::new);
    }

    /** The row's cosine similarity s_t·s_{t−1} / max(‖s_t‖₂·‖s_{t−1}‖₂, 1e-8). */
    @Override
    public double rowTerm(FloatBuffer current, FloatBuffer previous, int from, int hidden) {
        double normCurrent = Math.sqrt(Latents.dot(current, current, from, hidden));
        double normPrevious = Math.sqrt(Latents.dot(previous, previous, from, hidden));
        return Latents.dot(current, previous, from, hidden) / Math.max(normCurrent * normPrevious, NORM_PRODUCT_FLOOR);
    }

    /** 1 − the mean cosine similarity. */
    @Override
    public double valueOfMean(double meanOfRows) {
        return 1.0 - meanOfRows;
    }
}
