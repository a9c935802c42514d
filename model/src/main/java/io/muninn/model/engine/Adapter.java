package io.muninn.model.engine;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import io.muninn.model.kernel.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The adapter that injects the embedding into every recurrence step (spec §2.5): {@code A · [s, e]} with columns
 * state | embedding. Since {@code e} is fixed for a call, its half {@code e · A_eᵀ} is computed once
 * ({@link #inject}) and each iteration adds it to {@code s · A_sᵀ}.
 *
 * <p>The two halves are views of the loaded (H, 2H) matrix, not copies: row-major column blocks with a row stride of
 * 2H, which BLAS reads in place (same results bit for bit and the same speed as contiguous copies, measured at
 * H 1024 for 1, 16 and 256 rows). A copy would cost every engine 2·H² floats of its own (223 MB for Huginn-0125),
 * which matters once several engines share one copy of the weights ({@code weights.SharedWeights}). Read only.
 */
final class Adapter {
    private final Kernels kernels;
    private final INDArray stateHalf; // (H, H)
    private final INDArray embeddingHalf; // (H, H)

    Adapter(Kernels kernels, INDArray adapter, int hidden) {
        this.kernels = kernels;
        this.stateHalf = adapter.get(all(), interval(0, hidden));
        this.embeddingHalf = adapter.get(all(), interval(hidden, 2 * hidden));
    }

    /** {@code e · A_eᵀ}: the embedding's fixed contribution, (n, H). */
    INDArray inject(INDArray e) {
        return kernels.linear(e, embeddingHalf);
    }

    /** {@code s · A_sᵀ + injected}, (n, H). */
    INDArray apply(INDArray state, INDArray injected) {
        return kernels.linear(state, stateHalf).addi(injected);
    }
}
