package io.muninn.model.exit;

/**
 * What the criteria that read the call's last row of logits share: {@link #start} checks the vocabulary size and lets
 * the criterion set its initial "previous" ({@link #initialize}); {@link #evaluate} checks that the row is there,
 * lets the criterion compute its value and move the memory forward ({@link #check}), and records the check. A
 * criterion supplies only those two methods; callers use {@link ExitCriterion}'s.
 */
sealed interface LogitCriterion extends ExitCriterion permits LogProbCriterion, EntropyDiffExit, ArgmaxStabilityExit {

    /** Sets the initial "previous" of the criterion in a fresh {@code memory}; {@code vocabSize} is already >= 1. */
    void initialize(ExitMemory memory, int vocabSize);

    /**
     * This check's value from the last row's {@code logits} (not null, not empty) and the memory, which it moves
     * forward to this check. Called by {@link #evaluate}, which records the check.
     */
    double check(ExitMemory memory, float[] logits);

    @Override
    default boolean needsLogits() {
        return true;
    }

    @Override
    default ExitMemory start(float[] initialLatents, int rows, int hidden, int vocabSize) {
        ExitMemory memory = new ExitMemory();
        initialize(memory, Checks.vocabSize(name(), vocabSize));
        return memory;
    }

    @Override
    default double evaluate(ExitMemory memory, float[] lastRowLogits, float[] latents, int rows, int hidden) {
        Logits.requireRow(lastRowLogits, name());
        double value = check(memory, lastRowLogits);
        memory.recordCheck(value);
        return value;
    }
}
