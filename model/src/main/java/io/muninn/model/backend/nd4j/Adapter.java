package io.muninn.model.backend.nd4j;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import io.muninn.model.kernel.Kernels;
import io.muninn.model.kernel.Linear;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The adapter that injects the embedding into every recurrence step: {@code A · [s, e]} with columns
 * state | embedding. Since {@code e} is fixed for a call, its half {@code e · A_eᵀ} is computed once
 * ({@link #inject}) and each iteration adds it to {@code s · A_sᵀ}.
 *
 * <p>The two halves are prepared from views of the loaded (H, 2H) matrix, not copies: oneDNN packs a view in place,
 * and engines over the same weights share that pack ({@code kernel.PackCache}), so a copy per engine (2·H² floats,
 * 223 MB for Huginn-0125) is never made once several engines share one copy of the weights
 * ({@code weights.SharedWeights}). Small matrices, which run on BLAS, are copied once per engine. Read only.
 */
final class Adapter {
    private final Linear stateHalf; // (H, H)
    private final Linear embeddingHalf; // (H, H)

    Adapter(Kernels kernels, INDArray adapter, int hidden) {
        this.stateHalf = prepareHalf(kernels, adapter, 0, hidden);
        this.embeddingHalf = prepareHalf(kernels, adapter, hidden, hidden);
    }

    private static Linear prepareHalf(Kernels kernels, INDArray adapter, int from, int hidden) {
        INDArray half = adapter.get(all(), interval(from, from + hidden)); // a view: packing reads it in place
        return kernels.prepare(half);
    }

    /** {@code e · A_eᵀ}: the embedding's fixed contribution, (n, H). */
    INDArray inject(INDArray e) {
        return embeddingHalf.apply(e);
    }

    /** {@code s · A_sᵀ + injected}, (n, H). */
    INDArray apply(INDArray state, INDArray injected) {
        return stateHalf.apply(state).addi(injected);
    }
}
