package io.muninn.model.exit;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link KlDivergenceExit}'s check for many tokens at once in native memory: the engine hands it the checked rows'
 * logits as one (m, V) array, and neither the logits nor the log-probabilities cross to the Java heap. The same
 * float64 arithmetic as {@link KlDivergenceExit#evaluate} ({@code cur = log_softmax_float64(logits)},
 * {@code KL = Σ exp(prev)·(prev − cur)}), with the platform's exp and log instead of {@link StrictMath} and ND4J's
 * summation order, so values agree to float64 rounding rather than bit for bit.
 */
public final class BatchedKl {
    private BatchedKl() {}

    /** A memory for one token with the uniform {@code log(1/V)} as its previous, held natively. */
    public static ExitMemory start(int vocabSize) {
        ExitMemory memory = new ExitMemory();
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            memory.nativeLogProbs(Nd4j.valueArrayOf(new long[] {Checks.vocabSize(KlDivergenceExit.NAME, vocabSize)},
                    StrictMath.log(1.0 / vocabSize), DataType.DOUBLE));
        }
        return memory;
    }

    /**
     * Checks every token: row i of {@code logits} (m, V, FLOAT) is the last row of the token whose memory is
     * {@code memories.get(i)}. Moves each memory to this check and returns the values in row order.
     */
    public static double[] evaluate(List<ExitMemory> memories, INDArray logits) {
        int m = memories.size();
        if (logits.rows() != m) {
            throw new IllegalArgumentException("batched kl needs one logits row per token: " + m + " tokens, " + logits.rows() + " rows");
        }
        INDArray cur = logits.castTo(DataType.DOUBLE);
        Nd4j.exec(new LogSoftMax(cur, cur)); // along the vocabulary
        INDArray prev = Nd4j.createUninitialized(DataType.DOUBLE, m, logits.columns());
        for (int i = 0; i < m; i++) {
            INDArray remembered = memories.get(i).nativeLogProbs();
            if (remembered == null || remembered.length() != logits.columns()) {
                throw new IllegalStateException("token " + i + " of a batched kl check was not started by BatchedKl.start");
            }
            prev.getRow(i).assign(remembered);
        }
        INDArray terms = Transforms.exp(prev, true).muli(prev.subi(cur)); // exp(prev)·(prev − cur)
        double[] values = terms.sum(1).toDoubleVector();
        for (int i = 0; i < m; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("kl check of token " + i + " is " + values[i]
                        + ": its logits must be finite or -Infinity, with at least one finite value");
            }
            memories.get(i).nativeLogProbs().assign(cur.getRow(i));
            memories.get(i).recordCheck(values[i]);
        }
        return values;
    }
}
