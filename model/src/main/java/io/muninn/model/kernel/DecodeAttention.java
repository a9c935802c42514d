package io.muninn.model.kernel;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Attention of query rows straight over the KV pool's rows, in Java loops, rows in parallel: each query row (a
 * decode row, or a prefill row with its causal prefix) reads its own keys and values where the pool holds them,
 * with no gather into a padded block, no mask and no per-op dispatch. A row attends to a few dozen to a few
 * thousand keys, so the work is small and the ND4J ops it replaces (scatters, gathers, permutes, batched matmuls,
 * a softmax) cost more in overhead than in arithmetic (bench/README.md, "Step breakdown"). FP32 like them: dot
 * products and sums rounded to float.
 */
final class DecodeAttention {
    private DecodeAttention() {}

    /** Writes row i of {@code rows} (dense, (n, H)) into row {@code targets[i]} of the pool (dense, (N, H)). */
    static void write(INDArray pool, int[] targets, INDArray rows) {
        long rowBytes = rows.size(1) * Float.BYTES;
        INDArray dense = rows.isView() || rows.ordering() != 'c' ? rows.dup('c') : rows;
        long from = NativeArrays.address(dense).address();
        long to = floats(pool).address(); // checks that the pool is dense
        for (int i = 0; i < targets.length; i++) { // native to native, one row at a time
            Pointer.memcpy(NativeArrays.at(to + targets[i] * rowBytes), NativeArrays.at(from + i * rowBytes), rowBytes);
        }
    }

    /**
     * Row e of q (E, H) attends to the pool rows {@code rows[e]} of keys and values (N, H) → (E, H) as a Java
     * array, heads of {@code H / heads} columns, scaled by {@code 1/sqrt(headDim)}.
     */
    static float[] attend(INDArray q, INDArray keys, INDArray values, int[][] rows, int heads) {
        int count = (int) q.size(0);
        int hidden = (int) q.size(1);
        int headDim = hidden / heads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] query = Elementwise.read(q);
        float[] out = new float[count * hidden];
        RowLoop.forEach(count, (long) hidden * rows[count - 1].length, e -> {
            FloatPointer keyBuffer = floats(keys); // one per row: position() moves a pointer, so threads never share one
            FloatPointer valueBuffer = floats(values);
            float[] row = new float[hidden];
            int length = rows[e].length;
            float[] scores = new float[heads * length]; // [head][key]
            for (int j = 0; j < length; j++) {
                keyBuffer.position((long) rows[e][j] * hidden).get(row, 0, hidden);
                for (int h = 0; h < heads; h++) {
                    float dot = 0;
                    for (int d = h * headDim; d < (h + 1) * headDim; d++) {
                        dot += query[e * hidden + d] * row[d];
                    }
                    scores[h * length + j] = dot * scale;
                }
            }
            for (int h = 0; h < heads; h++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < length; j++) {
                    max = Math.max(max, scores[h * length + j]);
                }
                float sum = 0;
                for (int j = 0; j < length; j++) {
                    float p = (float) Math.exp(scores[h * length + j] - max);
                    scores[h * length + j] = p;
                    sum += p;
                }
                for (int j = 0; j < length; j++) {
                    scores[h * length + j] /= sum;
                }
            }
            for (int j = 0; j < length; j++) {
                valueBuffer.position((long) rows[e][j] * hidden).get(row, 0, hidden);
                for (int h = 0; h < heads; h++) {
                    float p = scores[h * length + j];
                    for (int d = h * headDim; d < (h + 1) * headDim; d++) {
                        out[e * hidden + d] += p * row[d];
                    }
                }
            }
        });
        return out;
    }

    /** The pool's first element as a FloatPointer (pools may pass 2 GiB, beyond a FloatBuffer's int indices). */
    private static FloatPointer floats(INDArray pool) {
        if (pool.isView() || pool.ordering() != 'c') {
            throw new IllegalArgumentException("a KV pool must be a dense row-major array but was " + pool.shapeInfoToString());
        }
        return new FloatPointer(NativeArrays.address(pool)).capacity(pool.length());
    }
}
