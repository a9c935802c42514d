package io.muninn.model.backend;

import io.muninn.model.exit.ExitCheck;
import java.util.List;

/**
 * The FP32 logits the head produced in one step ({@code rows x V}), held by the backend until the step scope
 * closes. Exit checks read them where they are; rows reach the heap only through {@link #row}.
 */
public interface StepLogits {

    int rows();

    /** A heap copy of row {@code row} (a caller asked for logits). */
    float[] row(int row);

    /**
     * The logit exit checks of every token at once, where the logits lie ({@code exit.BatchedChecks#logits}'s
     * arithmetic): row {@code rows[i]} is the last row of the token checked by {@code checks.get(i)}. Moves each
     * memory to this check; returns the values in the order given.
     */
    double[] check(List<ExitCheck> checks, int[] rows);
}
