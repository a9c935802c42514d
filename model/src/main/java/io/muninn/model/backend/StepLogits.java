package io.muninn.model.backend;

import io.muninn.model.exit.ExitMemory;
import java.util.List;

/**
 * The FP32 logits the head produced in one step ({@code rows x V}), held by the backend until the step scope
 * closes. Exit checks read them where they are; rows reach the heap only through {@link #row}.
 */
public interface StepLogits {

    int rows();

    /** A heap copy of row {@code row} (a caller asked for logits, or a criterion needs them on the heap). */
    float[] row(int row);

    /**
     * The kl exit check ({@code exit.BatchedKl}) of every token at once: row {@code rows[i]} is the last row of the
     * token whose memory is {@code memories.get(i)}. Moves each memory to this check; values in the order given.
     */
    double[] batchedKl(List<ExitMemory> memories, int[] rows);
}
