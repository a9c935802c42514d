package io.muninn.model.exit;

import java.nio.FloatBuffer;

/**
 * {@code latent-diff}: the mean over the call's rows of ‖s_t − s_{t−1}‖₂ / ‖s_t‖₂, on the raw core outputs (before
 * {@code ln_f}), in float64. Starts from s0; exits when the value is below the threshold (default 0.03). A row whose
 * new state is all zeros makes the value infinite or NaN, which never exits.
 *
 * @param threshold a finite number > 0
 */
public record LatentDiffExit(double threshold) implements LatentCriterion {
    public static final String NAME = "latent-diff";
    public static final double DEFAULT_THRESHOLD = 0.03;

    public LatentDiffExit {
        Checks.positiveFiniteThreshold(NAME, threshold);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The row's relative change ‖s_t − s_{t−1}‖₂ / ‖s_t‖₂. */
    @Override
    public ExitCriterion loosened(double factor) {
        return new LatentDiffExit(Checks.loosened(threshold, factor));
    }

    @Override
    public double rowTerm(FloatBuffer current, FloatBuffer previous, int from, int hidden) {
        double diffSq = 0;
        double normSq = 0;
        for (int i = from, end = from + hidden; i < end; i++) {
            double cur = current.get(i);
            double d = cur - previous.get(i);
            diffSq += d * d;
            normSq += cur * cur;
        }
        return Math.sqrt(diffSq) / Math.sqrt(normSq);
    }
}
