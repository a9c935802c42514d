package io.muninn.model.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The narrow set of numeric kernels the model stages are written against, so that the step loop does not depend on one backend. One implementation,
 * {@link Nd4jKernels}, runs them on ND4J (CPU or a CUDA device); a second accelerator implementation only has to
 * provide these methods. All arrays are FP32, row-major, one row per token.
 */
public interface Kernels {

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
