package io.muninn.model.exit;

import java.nio.FloatBuffer;

/**
 * What the criteria that read the call's last row of logits share: {@link #start} checks the vocabulary size and lets
 * the criterion set its initial "previous" ({@link #initialize}); {@link #evaluate} checks that the row is there,
 * lets the criterion compute its value and move the memory forward ({@link #check}), and records the check. A
 * criterion supplies only those two methods; callers use {@link ExitCriterion}'s, or {@link BatchedChecks} for all
 * the rows of a step at once where they lie. {@link #check} reads its row from a {@link FloatBuffer}, so the heap
 * path (a wrapped array) and the batched path (a backend's native memory) run the same arithmetic.
 */
sealed interface LogitCriterion extends ExitCriterion permits LogProbCriterion, EntropyDiffExit, ArgmaxStabilityExit {

    /** Sets the initial "previous" of the criterion in a fresh {@code memory}; {@code vocabSize} is already >= 1. */
    void initialize(ExitMemory memory, int vocabSize);

    /**
     * This check's value from the row {@code logits[from .. from+vocab)} ({@code vocab} >= 1) and the memory, which it
     * moves forward to this check. Called by {@link #evaluate} and {@link BatchedChecks}, which record the check.
     */
    double check(ExitMemory memory, FloatBuffer logits, int from, int vocab);

    /**
     * {@link #check} as a batch runs it, on a memory from {@link #startBatched}; the same unless a criterion has a
     * cheaper batched form ({@code kl}: {@link BatchedKl}).
     */
    default double checkBatched(ExitMemory memory, FloatBuffer logits, int from, int vocab) {
        return check(memory, logits, from, vocab);
    }

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
        double value = check(memory, FloatBuffer.wrap(lastRowLogits), 0, lastRowLogits.length);
        memory.recordCheck(value);
        return value;
    }
}
