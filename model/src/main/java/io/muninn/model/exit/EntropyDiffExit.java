package io.muninn.model.exit;

import java.nio.FloatBuffer;

/**
 * {@code entropy-diff}: |H(p_t) − H(p_{t−1})| with H = −Σ p·log(p + 1e-10) over the float64 softmax of the last
 * row's logits. The first check compares with an entropy of 100.0, so it never exits. Exits when the value is below
 * the threshold (default 1e-3).
 *
 * @param threshold a finite number > 0
 */
public record EntropyDiffExit(double threshold) implements LogitCriterion {
    public static final String NAME = "entropy-diff";
    public static final double DEFAULT_THRESHOLD = 1e-3;
    /** The entropy a token starts from, as in the reference. */
    public static final double INITIAL_ENTROPY = 100.0;
    private static final double LOG_EPSILON = 1e-10;

    public EntropyDiffExit {
        Checks.positiveFiniteThreshold(NAME, threshold);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ExitCriterion loosened(double factor) {
        return new EntropyDiffExit(Checks.loosened(threshold, factor));
    }

    @Override
    public void initialize(ExitMemory memory, int vocabSize) {
        memory.setPreviousScalar(INITIAL_ENTROPY);
    }

    @Override
    public double check(ExitMemory memory, FloatBuffer logits, int from, int vocab) {
        double previous = memory.getPreviousScalar();
        if (Double.isNaN(previous)) {
            throw new IllegalArgumentException(
                    "exit memory has no previousScalar: it was not started by exit criterion " + NAME);
        }
        double entropy = entropy(logits, from, vocab);
        memory.setPreviousScalar(entropy);
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
