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
    private INDArray dense; // logits, row-major and dense: made once, on the first read

    Nd4jStepLogits(INDArray logits) {
        this.logits = logits;
    }

    private INDArray dense() {
        if (dense == null) {
            if (logits.rank() != 2 || logits.dataType() != DataType.FLOAT) {
                throw new IllegalStateException(
                        "exit checks need (rows, V) FLOAT logits but got " + logits.shapeInfoToString());
            }
            dense = logits.isView() || logits.ordering() != 'c' ? logits.dup('c') : logits;
        }
        return dense;
    }

    /** Where {@code row} starts in the dense logits' buffer. */
    private int offset(INDArray dense, int row) {
        if (row < 0 || row >= dense.rows()) {
            throw new IllegalArgumentException("logit row " + row + " is outside [0, " + dense.rows() + ")");
        }
        return Math.toIntExact(dense.offset() + (long) row * dense.columns());
    }

    @Override
    public int rows() {
        return (int) logits.size(0);
    }

    @Override
    public float[] row(int row) {
        INDArray d = dense();
        float[] out = new float[(int) d.columns()];
        d.data().asNioFloat().position(offset(d, row)).get(out); // one copy, native to heap
        return out;
    }

    @Override
    public double[] check(List<ExitCheck> checks, int[] rows) {
        INDArray d = dense();
        int[] offsets = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            offsets[i] = offset(d, rows[i]);
        }
        return BatchedChecks.logits(checks, d.data().asNioFloat(), offsets, (int) d.columns());
    }
}
