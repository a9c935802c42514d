package io.muninn.model.exit;

import java.nio.FloatBuffer;

/**
 * {@code argmax-stability}: the number of consecutive checks whose last-row argmax (first index of the maximum
 * logit) equals the previous check's. Starts from argmax −1, so the first check has value 0 and a threshold of n
 * exits at the (n+1)-th check at the earliest. Exits when the value is at least the threshold (default 5): the
 * conservative criterion.
 *
 * @param stableChecks the threshold, a positive integer
 */
public record ArgmaxStabilityExit(int stableChecks) implements LogitCriterion {
    public static final String NAME = "argmax-stability";
    public static final int DEFAULT_STABLE_CHECKS = 5;

    public ArgmaxStabilityExit {
        if (stableChecks < 1) {
            throw invalid(stableChecks);
        }
    }

    /** The criterion for a threshold given as a number, which must be a positive integer. */
    static ArgmaxStabilityExit ofThreshold(double threshold) {
        if (!(threshold >= 1) || threshold > Integer.MAX_VALUE || threshold != Math.rint(threshold)) {
            throw invalid(threshold);
        }
        return new ArgmaxStabilityExit((int) threshold);
    }

    private static IllegalArgumentException invalid(Object threshold) {
        return new IllegalArgumentException(String.format(
                "exit threshold for %s must be a positive integer but was %s", NAME, threshold));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double threshold() {
        return stableChecks;
    }

    /** The stable-check count divided by {@code factor}, rounded up, at least 1. */
    @Override
    public ExitCriterion loosened(double factor) {
        return new ArgmaxStabilityExit(Math.max(1, (int) Math.ceil(stableChecks / factor)));
    }

    @Override
    public void initialize(ExitMemory memory, int vocabSize) {
        memory.previousArgmax = -1;
        memory.stableCount = 0;
    }

    @Override
    public double check(ExitMemory memory, FloatBuffer logits, int from, int vocab) {
        int argmax = Logits.argmax(logits, from, vocab);
        int stable = argmax == memory.previousArgmax ? memory.stableCount + 1 : 0;
        memory.previousArgmax = argmax;
        memory.stableCount = stable;
        return stable;
    }

    /** At least {@link #stableChecks} stable checks in a row. */
    @Override
    public boolean exits(double value) {
        return value >= stableChecks;
    }
}
