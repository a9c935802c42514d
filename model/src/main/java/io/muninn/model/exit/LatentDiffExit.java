package io.muninn.model.exit;

import java.nio.FloatBuffer;

/**
 * {@code latent-diff}: the mean over the call's rows of ‖s_t − s_{t−1}‖₂ / ‖s_t‖₂, on the raw core outputs (before
 * {@code ln_f}), in float64. Starts from s0; exits when the value is below the threshold (default 0.03). A row whose
 * new state is all zeros makes the value infinite or NaN, which never exits.
 */
public final class LatentDiffExit extends BelowThreshold implements LatentCriterion {
    public static final String NAME = "latent-diff";
    public static final double DEFAULT_THRESHOLD = 0.03;

    /** @param threshold a finite number > 0 */
    public LatentDiffExit(double threshold) {
        super(NAME, threshold, LatentDiffExit::new);
    }

    /** The row's relative change ‖s_t − s_{t−1}‖₂ / ‖s_t‖₂. */
    @Override
    public double rowTerm(FloatBuffer current, FloatBuffer previous, int from, int hidden) {
        double change = Math.sqrt(Latents.squaredDistance(current, previous, from, hidden));
        return change / Math.sqrt(Latents.dot(current, current, from, hidden));
    }
}
