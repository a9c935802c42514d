package io.muninn.model.exit;

/**
 * {@code minp-kl}: {@link KlDivergenceExit kl} between min-p filtered distributions. With {@code p} the float64
 * softmax of the logits, every {@code p_v < 0.1 · max p} is replaced by {@code 1/V}, the result is renormalised by
 * its sum (in vocabulary order), and {@code log(p'_v / sum)} (float64) is the remembered log-probability. Starts from
 * the uniform distribution; exits when the value is below the threshold (default 1e-6).
 *
 * @param threshold a finite number > 0
 */
public record MinPKlExit(double threshold) implements ExitCriterion {
    public static final String NAME = "minp-kl";
    public static final double DEFAULT_THRESHOLD = 1e-6;
    /** Probabilities below this fraction of the maximum are flattened to 1/V. */
    public static final double MIN_P = 0.1;

    public MinPKlExit {
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
        memory.setPreviousLogProbs(KlDivergenceExit.uniformLogProbs(Checks.vocabSize(NAME, vocabSize)));
        return memory;
    }

    @Override
    public double evaluate(ExitMemory memory, float[] lastRowLogits, float[] latents, int rows, int hidden) {
        Logits.requireRow(lastRowLogits, NAME);
        int vocab = lastRowLogits.length;
        double[] previous = Checks.remembered(NAME, "previousLogProbs", memory.getPreviousLogProbs(), vocab);
        double[] p = Logits.scratch(vocab);
        double max = Logits.max(lastRowLogits);
        double sum = Logits.shiftedExp(lastRowLogits, max, p);
        // exp(0) = 1 at the argmax, so the largest probability is exactly 1 / sum
        double floor = MIN_P * (1.0 / sum);
        double uniform = 1.0 / vocab;
        double filteredSum = 0;
        for (int v = 0; v < vocab; v++) {
            double pv = p[v] / sum;
            double filtered = pv < floor ? uniform : pv;
            p[v] = filtered;
            filteredSum += filtered;
        }
        double kl = 0;
        for (int v = 0; v < vocab; v++) {
            double cur = StrictMath.log(p[v] / filteredSum);
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
