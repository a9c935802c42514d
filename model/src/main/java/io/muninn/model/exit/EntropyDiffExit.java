package io.muninn.model.exit;

import java.nio.FloatBuffer;

/**
 * {@code entropy-diff}: |H(p_t) − H(p_{t−1})| with H = −Σ p·log(p + 1e-10) over the float64 softmax of the last
 * row's logits. The first check compares with an entropy of 100.0, so it never exits. Exits when the value is below
 * the threshold (default 1e-3).
 */
public final class EntropyDiffExit extends BelowThreshold implements LogitCriterion {
    public static final String NAME = "entropy-diff";
    public static final double DEFAULT_THRESHOLD = 1e-3;
    /** The entropy a token starts from, as in the reference. */
    public static final double INITIAL_ENTROPY = 100.0;
    private static final double LOG_EPSILON = 1e-10;

    /** @param threshold a finite number > 0 */
    public EntropyDiffExit(double threshold) {
        super(NAME, threshold, EntropyDiffExit::new);
    }

    @Override
    public void initialize(ExitMemory memory, int vocabSize) {
        memory.previousScalar = INITIAL_ENTROPY;
    }

    @Override
    public double check(ExitMemory memory, FloatBuffer logits, int from, int vocab) {
        double previous = memory.previousScalar;
        if (Double.isNaN(previous)) {
            throw new IllegalArgumentException(
                    "exit memory has no previousScalar: it was not started by exit criterion " + NAME);
        }
        double entropy = entropy(logits, from, vocab);
        memory.previousScalar = entropy;
        return Math.abs(entropy - previous);
    }

    /** H = −Σ p·log(p + 1e-10), p the float64 softmax of the row, summed in vocabulary order. */
    private static double entropy(FloatBuffer logits, int from, int vocab) {
        double[] e = Logits.scratch(vocab);
        double max = Logits.max(logits, from, vocab);
        double sum = Logits.shiftedExp(logits, from, vocab, max, e);
        double h = 0;
        for (int v = 0; v < vocab; v++) {
            double p = e[v] / sum;
            h -= p * StrictMath.log(p + LOG_EPSILON);
        }
        return h;
    }
}
