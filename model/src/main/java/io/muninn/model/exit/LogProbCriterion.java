package io.muninn.model.exit;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * What {@code kl} and {@code minp-kl} share: both remember float64 log-probabilities (length V, starting from the
 * uniform {@code log(1/V)}) and take as value KL(p_{t−1} ‖ p_t) = Σ exp(prev)·(prev − cur) in vocabulary order. They
 * differ only in how the last row's logits become log-probabilities ({@link #logProbs}).
 */
sealed interface LogProbCriterion extends LogitCriterion permits KlDivergenceExit, MinPKlExit {

    /**
     * Writes this check's float64 log-probabilities of the row {@code logits[from .. from+vocab)}, whose maximum is
     * {@code max}, into {@code out[0..vocab)} ({@code out} may be longer, and may hold garbage on entry).
     */
    void logProbs(FloatBuffer logits, int from, int vocab, double max, double[] out);

    @Override
    default void initialize(ExitMemory memory, int vocabSize) {
        double[] logProbs = new double[vocabSize];
        Arrays.fill(logProbs, StrictMath.log(1.0 / vocabSize));
        memory.previousLogProbs = logProbs;
    }

    @Override
    default double check(ExitMemory memory, FloatBuffer logits, int from, int vocab) {
        double[] previous = Checks.remembered(name(), "previousLogProbs", memory.previousLogProbs, vocab);
        double[] current = Logits.scratch(vocab);
        logProbs(logits, from, vocab, Logits.max(logits, from, vocab), current);
        double kl = 0;
        for (int v = 0; v < vocab; v++) {
            kl += Logits.klTerm(previous[v], current[v]);
            previous[v] = current[v];
        }
        return kl;
    }
}
