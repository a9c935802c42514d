package io.muninn.model.exit;

/**
 * {@code none}: no criterion; every token runs {@code max_steps} iterations. {@link ExitPolicy#checksAt} is never
 * true for it, so it is never evaluated.
 */
public record FixedSteps() implements ExitCriterion {
    public static final String NAME = "none";

    @Override
    public String name() {
        return NAME;
    }

    /** NaN: there is nothing to compare. */
    @Override
    public double threshold() {
        return Double.NaN;
    }

    @Override
    public boolean needsLogits() {
        return false;
    }

    /** An empty memory, so that callers need not special-case {@code none}. */
    @Override
    public ExitMemory start(float[] initialLatents, int rows, int hidden, int vocabSize) {
        return new ExitMemory();
    }

    /** @throws IllegalStateException always: a fixed-steps token is never checked */
    @Override
    public double evaluate(ExitMemory memory, float[] lastRowLogits, float[] latents, int rows, int hidden) {
        throw new IllegalStateException(
                "exit criterion none is never evaluated: ExitPolicy.checksAt is false for every step");
    }

    @Override
    public boolean exits(double value) {
        return false;
    }

    /** Itself: there is no threshold; a relaxed {@code none} only feels the step cap. */
    @Override
    public ExitCriterion loosened(double factor) {
        return this;
    }
}
