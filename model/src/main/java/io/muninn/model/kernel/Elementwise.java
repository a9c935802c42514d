package io.muninn.model.kernel;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The step's row-wise element-wise kernels as plain Java loops that stream rows straight out of and into the native
 * buffers: each row is read into a per-thread scratch row (a few KB, cache-resident), computed there and written to
 * its output, so no step-sized array is copied to the heap and back. At a step's sizes the arithmetic takes
 * microseconds, while the same work composed of ND4J ops paid tens of microseconds per op in dispatch, shape
 * bookkeeping and temporaries (bench/README.md, "Step breakdown"). The arithmetic is the same FP32 sequence as the
 * composed ops (products and sums rounded to float in the same order), except that an RMSNorm's mean of squares is
 * summed in float64.
 */
final class Elementwise {
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

    private Elementwise() {}

    /** All elements of a FLOAT array, row-major (a heap copy, for small arrays such as weights and queries). */
    static float[] read(INDArray a) {
        float[] out = new float[(int) a.length()];
        floats(a).get(0, out);
        return out;
    }

    /** A new (rows, columns) FLOAT array holding {@code values}. */
    static INDArray create(float[] values, long rows, long columns) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, rows, columns);
        floats(out).put(0, values);
        return out;
    }

    /**
     * The elements of {@code a} as a float buffer indexed from its first element (absolute indices, so threads may
     * share it); {@code a} must be dense and row-major, else a dense copy is read.
     */
    static FloatBuffer floats(INDArray a) {
        INDArray dense = a.isView() || a.ordering() != 'c' ? a.dup('c') : a;
        FloatBuffer buffer = dense.data().asNioFloat();
        return buffer.position((int) dense.offset()).slice();
    }

    /** The calling thread's scratch row {@code which} (0 or 1) of at least {@code n} floats; contents are garbage. */
    private static float[] scratch(int which, int n) {
        float[][] rows = SCRATCH.get();
        if (rows[which].length < n) {
            rows[which] = new float[n];
        }
        return rows[which];
    }

    /** q + qBias, k + kBias and v of a fused (rows, 3 · hidden) projection, each a new (rows, hidden) array. */
    static INDArray[] splitQkv(INDArray qkv, int rows, int hidden, float[] qBias, float[] kBias) {
        FloatBuffer in = floats(qkv);
        INDArray[] out = new INDArray[3];
        FloatBuffer[] outs = new FloatBuffer[3];
        for (int i = 0; i < 3; i++) {
            out[i] = Nd4j.createUninitialized(DataType.FLOAT, rows, hidden);
            outs[i] = floats(out[i]);
        }
        RowLoop.forEach(rows, 3L * hidden, r -> {
            float[] row = scratch(0, 3 * hidden);
            in.get(r * 3 * hidden, row, 0, 3 * hidden);
            for (int i = 0; i < hidden; i++) {
                row[i] = row[i] + qBias[i];
                row[hidden + i] = row[hidden + i] + kBias[i];
            }
            for (int part = 0; part < 3; part++) {
                outs[part].put(r * hidden, row, part * hidden, hidden);
            }
        });
        return out;
    }

    /** Row-wise {@code x · rsqrt(mean(x²) + eps) · weight}, x (rows, hidden) → a new (rows, hidden) array. */
    static INDArray rmsNorm(INDArray x, int rows, int hidden, float[] weight, double eps) {
        FloatBuffer in = floats(x);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, rows, hidden);
        FloatBuffer out = floats(y);
        RowLoop.forEach(rows, hidden, r -> {
            float[] row = scratch(0, hidden);
            in.get(r * hidden, row, 0, hidden);
            double sumSquares = 0;
            for (int i = 0; i < hidden; i++) {
                float v = row[i];
                sumSquares += v * v;
            }
            float meanSquare = (float) (sumSquares / hidden);
            float inverseRms = (float) Math.pow(meanSquare + (float) eps, -0.5);
            for (int i = 0; i < hidden; i++) {
                row[i] = row[i] * inverseRms * weight[i];
            }
            out.put(r * hidden, row, 0, hidden);
        });
        return y;
    }

    /**
     * Rotates interleaved pairs in place: row r of x (rows, heads · 2 · pairs), dense, by the angles of
     * {@code positions[r]}, from cos and sin tables (positions, pairs) row-major.
     */
    static void rope(INDArray x, int rows, int heads, int pairs, int[] positions, float[] cos, float[] sin) {
        FloatBuffer values = floats(x);
        int width = heads * 2 * pairs;
        RowLoop.forEach(rows, width, r -> {
            float[] row = scratch(0, width);
            values.get(r * width, row, 0, width);
            int angles = positions[r] * pairs;
            for (int h = 0; h < heads; h++) {
                int base = h * 2 * pairs;
                for (int i = 0; i < pairs; i++) {
                    float e = row[base + 2 * i];
                    float o = row[base + 2 * i + 1];
                    float c = cos[angles + i];
                    float s = sin[angles + i];
                    row[base + 2 * i] = e * c - o * s;
                    row[base + 2 * i + 1] = o * c + e * s;
                }
            }
            values.put(r * width, row, 0, width);
        });
    }

    /** {@code silu(gate) ⊙ up} of a fused (rows, 2 · inner) projection whose first inner columns are the gate. */
    static INDArray gatedSilu(INDArray gateUp, int rows, int inner) {
        FloatBuffer in = floats(gateUp);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, rows, inner);
        FloatBuffer out = floats(y);
        RowLoop.forEach(rows, 8L * inner, r -> { // an exp per element
            float[] row = scratch(0, 2 * inner);
            float[] result = scratch(1, inner);
            in.get(r * 2 * inner, row, 0, 2 * inner);
            for (int j = 0; j < inner; j++) {
                float g = row[j];
                float sigmoid = (float) (1.0 / (1.0 + Math.exp(-g)));
                result[j] = sigmoid * g * row[inner + j];
            }
            out.put(r * inner, result, 0, inner);
        });
        return y;
    }
}
