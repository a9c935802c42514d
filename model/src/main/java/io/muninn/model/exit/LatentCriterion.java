package io.muninn.model.exit;

import java.util.Arrays;

/**
 * What {@code latent-diff} and {@code cosine} share: both read the raw core outputs (before {@code ln_f}) of all the
 * call's rows, remember the previous check's outputs (starting from s0), and take as value a function of the mean over
 * the rows of a per-row term, in float64. A criterion supplies only {@link #rowTerm} and, if the mean is not the
 * value itself, {@link #valueOfMean}.
 */
sealed interface LatentCriterion extends ExitCriterion permits LatentDiffExit, CosineExit {

    /** The term of the row at {@code current[from..from+hidden)}, against {@code previous} at the same indices. */
    double rowTerm(float[] current, float[] previous, int from, int hidden);

    /** The check's value from the mean of the rows' terms; the mean itself unless overridden. */
    default double valueOfMean(double meanOfRows) {
        return meanOfRows;
    }

    @Override
    default boolean needsLogits() {
        return false;
    }

    @Override
    default ExitMemory start(float[] initialLatents, int rows, int hidden, int vocabSize) {
        int size = Checks.latents(name(), "initial latents", initialLatents, rows, hidden);
        ExitMemory memory = new ExitMemory();
        memory.setPreviousLatents(Arrays.copyOf(initialLatents, size));
        return memory;
    }

    @Override
    default double evaluate(ExitMemory memory, float[] lastRowLogits, float[] latents, int rows, int hidden) {
        int size = Checks.latents(name(), "latents", latents, rows, hidden);
        float[] previous = Checks.remembered(name(), "previousLatents", memory.getPreviousLatents(), size);
        double sumOfTerms = 0;
        for (int row = 0; row < rows; row++) {
            sumOfTerms += rowTerm(latents, previous, row * hidden, hidden);
        }
        System.arraycopy(latents, 0, previous, 0, size);
        double value = valueOfMean(sumOfTerms / rows);
        memory.recordCheck(value);
        return value;
    }
}
