package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.StepLogits;
import io.muninn.model.exit.BatchedChecks;
import io.muninn.model.exit.ExitCheck;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link StepLogits} over the head's (rows, V) output in the step workspace; exit checks read its rows in place
 * through a direct buffer over the native memory.
 */
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
    public double[] check(List<ExitCheck> checks, int[] rows) {
        if (logits.rank() != 2 || logits.dataType() != DataType.FLOAT) {
            throw new IllegalStateException("exit checks need (rows, V) FLOAT logits but got " + logits.shapeInfoToString());
        }
        INDArray dense = logits.isView() || logits.ordering() != 'c' ? logits.dup('c') : logits;
        int vocab = (int) dense.columns();
        int[] offsets = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= dense.rows()) {
                throw new IllegalArgumentException("logit row " + rows[i] + " is outside [0, " + dense.rows() + ")");
            }
            offsets[i] = Math.toIntExact(dense.offset() + (long) rows[i] * vocab);
        }
        return BatchedChecks.logits(checks, dense.data().asNioFloat(), offsets, vocab);
    }
}
