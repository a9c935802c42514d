package io.muninn.model.exit;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * What {@code latent-diff} and {@code cosine} share: both read the raw core outputs (before {@code ln_f}) of all the
 * call's rows, remember the previous check's outputs (starting from s0), and take as value a function of the mean over
 * the rows of a per-row term, in float64. A criterion supplies only {@link #rowTerm} and, if the mean is not the
 * value itself, {@link #valueOfMean}. The terms read {@link FloatBuffer}s, so the heap path (wrapped arrays, the
 * previous outputs in the {@link ExitMemory}) and the batched path ({@link BatchedChecks}: both blocks in a backend's
 * memory, the previous one kept there by the backend) run the same arithmetic.
 */
sealed interface LatentCriterion extends ExitCriterion permits LatentDiffExit, CosineExit {

    /** The term of the row at {@code current[from..from+hidden)}, against {@code previous} at the same indices. */
    double rowTerm(FloatBuffer current, FloatBuffer previous, int from, int hidden);

    /** The check's value from the mean of the rows' terms; the mean itself unless overridden. */
    default double valueOfMean(double meanOfRows) {
        return meanOfRows;
    }

    /** The value of a check of {@code rows x hidden} outputs (row-major from index 0) against the previous ones. */
    default double value(FloatBuffer current, FloatBuffer previous, int rows, int hidden) {
        double sumOfTerms = 0;
        for (int row = 0; row < rows; row++) {
            sumOfTerms += rowTerm(current, previous, row * hidden, hidden);
        }
        return valueOfMean(sumOfTerms / rows);
    }

    @Override
    default boolean needsLogits() {
        return false;
    }

    @Override
    default boolean readsLatents() {
        return true;
    }

    @Override
    default ExitMemory start(float[] initialLatents, int rows, int hidden, int vocabSize) {
        int size = Checks.latents(name(), "initial latents", initialLatents, rows, hidden);
        ExitMemory memory = new ExitMemory();
        memory.previousLatents = Arrays.copyOf(initialLatents, size);
        return memory;
    }

    /** An empty memory: in a batch, the previous outputs stay in the backend's memory (see the interface comment). */
    @Override
    default ExitMemory startBatched(int vocabSize) {
        return new ExitMemory();
    }

    @Override
    default double evaluate(ExitMemory memory, float[] lastRowLogits, float[] latents, int rows, int hidden) {
        int size = Checks.latents(name(), "latents", latents, rows, hidden);
        float[] previous = Checks.remembered(name(), "previousLatents", memory.previousLatents, size);
        double value = value(FloatBuffer.wrap(latents), FloatBuffer.wrap(previous), rows, hidden);
        System.arraycopy(latents, 0, previous, 0, size);
        memory.recordCheck(value);
        return value;
    }
}
