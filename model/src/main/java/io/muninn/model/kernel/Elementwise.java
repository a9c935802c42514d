package io.muninn.model.kernel;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The step's row-wise element-wise kernels as plain loops over Java arrays, with one bulk copy in and out of the
 * native buffers. At a step's sizes (rows x hidden of a few thousand to a few hundred thousand floats) the
 * arithmetic takes microseconds, while the same work composed of ND4J ops paid tens of microseconds per op in
 * dispatch, shape bookkeeping and temporaries (bench/README.md, "Step breakdown"). The arithmetic is the same FP32
 * sequence as the composed ops (products and sums rounded to float in the same order), except that an RMSNorm's mean
 * of squares is summed in float64.
 */
final class Elementwise {
    private Elementwise() {}

    /** All elements of a FLOAT array, row-major. */
    static float[] read(INDArray a) {
        INDArray dense = a.isView() || a.ordering() != 'c' ? a.dup('c') : a;
        float[] out = new float[(int) dense.length()];
        FloatBuffer buffer = dense.data().asNioFloat();
        buffer.position((int) dense.offset());
        buffer.get(out);
        return out;
    }

    /** A new (rows, columns) FLOAT array holding {@code values}. */
    static INDArray create(float[] values, long rows, long columns) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, rows, columns);
        write(values, out);
        return out;
    }

    /** Writes {@code values} over a dense FLOAT array without an offset's gaps (row-major). */
    static void write(float[] values, INDArray target) {
        FloatBuffer buffer = target.data().asNioFloat();
        buffer.position((int) target.offset());
        buffer.put(values);
    }

    /** q + qBias, k + kBias and v of a fused (rows, 3 · hidden) projection, each (rows, hidden) row-major. */
    static float[][] splitQkv(float[] qkv, int rows, int hidden, float[] qBias, float[] kBias) {
        float[] q = new float[rows * hidden];
        float[] k = new float[rows * hidden];
        float[] v = new float[rows * hidden];
        for (int r = 0; r < rows; r++) {
            int in = r * 3 * hidden;
            int out = r * hidden;
            for (int i = 0; i < hidden; i++) {
                q[out + i] = qkv[in + i] + qBias[i];
                k[out + i] = qkv[in + hidden + i] + kBias[i];
                v[out + i] = qkv[in + 2 * hidden + i];
            }
        }
        return new float[][] {q, k, v};
    }

    /** Row-wise {@code x · rsqrt(mean(x²) + eps) · weight}, x (rows, hidden) row-major. */
    static float[] rmsNorm(float[] x, int rows, int hidden, float[] weight, double eps) {
        float[] y = new float[x.length];
        RowLoop.forEach(rows, hidden, r -> {
            int base = r * hidden;
            double sumSquares = 0;
            for (int i = 0; i < hidden; i++) {
                float v = x[base + i];
                sumSquares += v * v;
            }
            float meanSquare = (float) (sumSquares / hidden);
            float inverseRms = (float) Math.pow(meanSquare + (float) eps, -0.5);
            for (int i = 0; i < hidden; i++) {
                y[base + i] = x[base + i] * inverseRms * weight[i];
            }
        });
        return y;
    }

    /**
     * Rotates interleaved pairs in place: row r of x (rows, heads · 2 · pairs) by the angles of {@code positions[r]},
     * from cos and sin tables (positions, pairs) row-major.
     */
    static void rope(float[] x, int rows, int heads, int pairs, int[] positions, float[] cos, float[] sin) {
        int width = heads * 2 * pairs;
        RowLoop.forEach(rows, width, r -> {
            int angles = positions[r] * pairs;
            for (int h = 0; h < heads; h++) {
                int base = r * width + h * 2 * pairs;
                for (int i = 0; i < pairs; i++) {
                    float e = x[base + 2 * i];
                    float o = x[base + 2 * i + 1];
                    float c = cos[angles + i];
                    float s = sin[angles + i];
                    x[base + 2 * i] = e * c - o * s;
                    x[base + 2 * i + 1] = o * c + e * s;
                }
            }
        });
    }

    /** {@code silu(gate) ⊙ up} of a fused (rows, 2 · inner) projection whose first inner columns are the gate. */
    static float[] gatedSilu(float[] gateUp, int rows, int inner) {
        float[] y = new float[rows * inner];
        RowLoop.forEach(rows, 8L * inner, r -> { // an exp per element
            int in = r * 2 * inner;
            int out = r * inner;
            for (int j = 0; j < inner; j++) {
                float g = gateUp[in + j];
                float sigmoid = (float) (1.0 / (1.0 + Math.exp(-g)));
                y[out + j] = sigmoid * g * gateUp[in + inner + j];
            }
        });
        return y;
    }
}
