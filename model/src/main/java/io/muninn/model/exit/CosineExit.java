package io.muninn.model.exit;

import java.util.Arrays;

/**
 * {@code cosine}: 1 − the mean over the call's rows of s_t·s_{t−1} / max(‖s_t‖₂·‖s_{t−1}‖₂, 1e-8), on the raw core
 * outputs (before {@code ln_f}), in float64. Starts from s0; exits when the value is below the threshold (default
 * 1e-3).
 *
 * @param threshold a finite number > 0
 */
public record CosineExit(double threshold) implements ExitCriterion {
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
        double sumOfCosines = 0;
        for (int row = 0; row < rows; row++) {
            double dot = 0;
            double curSq = 0;
            double prevSq = 0;
            for (int i = row * hidden, end = i + hidden; i < end; i++) {
                double cur = latents[i];
                double prev = previous[i];
                dot += cur * prev;
                curSq += cur * cur;
                prevSq += prev * prev;
            }
            sumOfCosines += dot / Math.max(Math.sqrt(curSq) * Math.sqrt(prevSq), NORM_PRODUCT_FLOOR);
        }
        System.arraycopy(latents, 0, previous, 0, size);
        double value = 1.0 - sumOfCosines / rows;
        memory.recordCheck(value);
        return value;
    }

    @Override
    public boolean exits(double value) {
        return value < threshold;
    }
}
