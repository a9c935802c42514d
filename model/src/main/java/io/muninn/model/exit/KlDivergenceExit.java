package io.muninn.model.exit;

import java.util.Arrays;

/**
 * {@code kl}: the KL divergence KL(p_{t−1} ‖ p_t) = Σ exp(prev)·(prev − cur) between the last row's distributions
 * at consecutive checks, where {@code cur = log_softmax_float64(logits)} is also what is remembered (float64: a float32 copy would add
 * about 1e-7 of rounding to values compared against thresholds as small as 1e-6). The
 * first check compares with the uniform distribution, so it does not exit for any peaked distribution. Exits when
 * the value is below the threshold; the paper's threshold is 5e-4.
 *
 * @param threshold a finite number > 0
 */
public record KlDivergenceExit(double threshold) implements ExitCriterion {
    public static final String NAME = "kl";
    public static final double DEFAULT_THRESHOLD = 5e-4;

    public KlDivergenceExit {
        Checks.positiveFiniteThreshold(NAME, threshold);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean needsLogits() {
        return true;
    }

    @Override
    public ExitMemory start(float[] initialLatents, int rows, int hidden, int vocabSize) {
        ExitMemory memory = new ExitMemory();
        memory.setPreviousLogProbs(uniformLogProbs(Checks.vocabSize(NAME, vocabSize)));
        return memory;
    }

    /** {@code log(1/V)} in each of V entries: the initial "previous" of kl and minp-kl. */
    static double[] uniformLogProbs(int vocabSize) {
        double[] logProbs = new double[vocabSize];
        Arrays.fill(logProbs, StrictMath.log(1.0 / vocabSize));
        return logProbs;
    }

    @Override
    public double evaluate(ExitMemory memory, float[] lastRowLogits, float[] latents, int rows, int hidden) {
        Logits.requireRow(lastRowLogits, NAME);
        double[] previous = Checks.remembered(NAME, "previousLogProbs", memory.getPreviousLogProbs(),
                lastRowLogits.length);
        double max = Logits.max(lastRowLogits);
        double logSum = Logits.logSumShiftedExp(lastRowLogits, max);
        double kl = 0;
        for (int v = 0; v < previous.length; v++) {
            double cur = (lastRowLogits[v] - max) - logSum;
            kl += Logits.klTerm(previous[v], cur);
            previous[v] = cur;
        }
        memory.recordCheck(kl);
        return kl;
    }

    @Override
    public boolean exits(double value) {
        return value < threshold;
    }
}
