package io.muninn.model.kernel;

import io.muninn.model.backend.Backend;
import io.muninn.model.backend.StepModel;
import io.muninn.model.backend.nd4j.Nd4jBackend;
import io.muninn.model.kv.KvBlockPool;
import io.muninn.model.kv.KvLayout;
import io.muninn.model.weights.ModelWeights;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The narrow set of numeric kernels on ND4J arrays that the ND4J backend's stages ({@code backend.nd4j}) are
 * written against. One implementation, {@link Nd4jKernels}, runs them on ND4J (CPU or a CUDA device). All arrays are
 * FP32, row-major, one row per token.
 *
 * <p>A set of kernels is also a {@link Backend}: the ND4J stages over these kernels ({@link Nd4jBackend}), so that
 * {@code new RecurrentDepthEngine(weights, new Nd4jKernels(), options)} reads as before. A backend that does not
 * work on ND4J arrays implements {@link Backend} itself.
 */
public interface Kernels extends Backend {

    @Override
    default StepModel bind(ModelWeights weights, KvBlockPool pool, KvLayout layout) {
        return new Nd4jBackend(this).bind(weights, pool, layout);
    }

    /**
     * Makes w (out, in), in PyTorch's layout, ready for {@code x · wᵀ}: packed once for the matrix-product kernel
     * where the implementation packs. Stages call this when they are built, never per step.
     */
    Linear prepare(INDArray w);

    /**
     * Splits a fused (n, 3H) q | k | v projection into q + qBias, k + kBias and v, each (n, H) row-major: index 0, 1
     * and 2 of the result.
     */
    INDArray[] splitQkv(INDArray qkv, INDArray qBias, INDArray kBias);

    /** Row-wise RMSNorm: {@code x · rsqrt(mean(x²) + eps) · weight}; x (n, H), weight (H) → (n, H). */
    INDArray rmsNorm(INDArray x, INDArray weight, double eps);

    /**
     * Rotates the interleaved pairs {@code (x[2i], x[2i+1])} of every head of {@code x} (n, heads · headDim) in
     * place, row r by the angles of absolute position {@code positions[r]}.
     */
    void applyRope(INDArray x, int[] positions, RopeTable table, int heads);

    /** {@code silu(gate) ⊙ up} of a fused (n, 2I) projection whose first I columns are the gate → (n, I). */
    INDArray gatedSilu(INDArray gateUp);

    /** Writes row i of {@code rows} (n, H) over row {@code targets[i]} of a KV pool array (N, H), in place. */
    void writeRows(INDArray pool, int[] targets, INDArray rows);

    /**
     * Attention of E query rows (decode rows, or prefill rows each with its causal prefix), each over its own rows of
     * the KV pool, in one pass: row e of {@code q} (E, H) attends to rows {@code rows[e]} of {@code keys} and
     * {@code values} (N, H), read where they are → (E, H).
     */
    INDArray attendPoolRows(INDArray q, INDArray keys, INDArray values, int[][] rows, int heads);
}
