package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.StepLogits;
import io.muninn.model.exit.BatchedKl;
import io.muninn.model.exit.ExitMemory;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link StepLogits} over the head's (rows, V) output in the step workspace. */
final class Nd4jStepLogits implements StepLogits {
    private final INDArray logits;

    Nd4jStepLogits(INDArray logits) {
        this.logits = logits;
    }

    @Override
    public int rows() {
        return (int) logits.size(0);
    }

    @Override
    public float[] row(int row) {
        return Floats.of(logits.getRow(row));
    }

    @Override
    public double[] batchedKl(List<ExitMemory> memories, int[] rows) {
        return BatchedKl.evaluate(memories, Nd4j.pullRows(logits, 1, rows));
    }
}
