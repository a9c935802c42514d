package io.muninn.model.exit;

import java.util.Arrays;

/**
 * {@code latent-diff}: the mean over the call's rows of ‖s_t − s_{t−1}‖₂ / ‖s_t‖₂, on the raw core outputs (before
 * {@code ln_f}), in float64. Starts from s0; exits when the value is below the threshold (default 0.03). A row whose
 * new state is all zeros makes the value infinite or NaN, which never exits.
 *
 * @param threshold a finite number > 0
 */
public record LatentDiffExit(double threshold) implements ExitCriterion {
    public static final String NAME = "latent-diff";
    public static final double DEFAULT_THRESHOLD = 0.03;

    public LatentDiffExit {
        Checks.positiveFiniteThreshold(NAME, threshold);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean needsLogits() {
        return false;
    }

    @Override
    public ExitMemory start(float[] initialLatents, int rows, int hidden, int vocabSize) {
        int size = Checks.latents(NAME, "initial latents", initialLatents, rows, hidden);
        ExitMemory memory = new ExitMemory();
        memory.setPreviousLatents(Arrays.copyOf(initialLatents, size));
        return memory;
    }

    @Override
    public double evaluate(ExitMemory memory, float[] lastRowLogits, float[] latents, int rows, int hidden) {
        int size = Checks.latents(NAME, "latents", latents, rows, hidden);
        float[] previous = Checks.remembered(NAME, "previousLatents", memory.getPreviousLatents(), size);
        double sumOfRatios = 0;
        for (int row = 0; row < rows; row++) {
            double diffSq = 0;
            double normSq = 0;
            for (int i = row * hidden, end = i + hidden; i < end; i++) {
                double cur = latents[i];
                double d = cur - previous[i];
                diffSq += d * d;
                normSq += cur * cur;
            }
            sumOfRatios += Math.sqrt(diffSq) / Math.sqrt(normSq);
        }
        System.arraycopy(latents, 0, previous, 0, size);
        double value = sumOfRatios / rows;
        memory.recordCheck(value);
        return value;
    }

    @Override
    public boolean exits(double value) {
        return value < threshold;
    }
}
