package io.muninn.model.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cosines and sines of interleaved rotary embeddings (applied to q and k after the qk bias): for position p and pair i,
 * angle {@code p · inv_freq[i]} with {@code inv_freq[i] = 1 / theta^(2i / headDim)}.
 */
public final class RopeTable {
    private final INDArray cos; // (positions, headDim / 2)
    private final INDArray sin; // (positions, headDim / 2)
    private final float[] cosTable; // the same, row-major on the heap
    private final float[] sinTable;

    private RopeTable(INDArray cos, INDArray sin) {
        this.cos = cos;
        this.sin = sin;
        this.cosTable = cos.dup('c').data().asFloat();
        this.sinTable = sin.dup('c').data().asFloat();
    }

    /** Computes the table as the reference does: fp32 frequencies, angles rounded to fp32 before cos/sin. */
    public static RopeTable compute(int positions, int headDim, double theta) {
        int pairs = headDim / 2;
        float[] c = new float[positions * pairs];
        float[] s = new float[positions * pairs];
        for (int i = 0; i < pairs; i++) {
            float invFreq = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
            for (int p = 0; p < positions; p++) {
                float angle = (float) p * invFreq;
                c[p * pairs + i] = (float) Math.cos(angle);
                s[p * pairs + i] = (float) Math.sin(angle);
            }
        }
        return new RopeTable(
                Nd4j.create(c, new long[] {positions, pairs}, 'c'), Nd4j.create(s, new long[] {positions, pairs}, 'c'));
    }

    /** Uses a checkpoint's stored {@code freqs_cis} (positions, headDim / 2, 2) with [..,0] = cos, [..,1] = sin. */
    public static RopeTable fromStored(INDArray freqsCis) {
        long positions = freqsCis.size(0);
        long pairs = freqsCis.size(1);
        INDArray t = freqsCis.castTo(DataType.FLOAT).reshape('c', positions, pairs, 2);
        INDArray c = t.get(all(), all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0)).dup('c');
        INDArray s = t.get(all(), all(), org.nd4j.linalg.indexing.NDArrayIndex.point(1)).dup('c');
        return new RopeTable(c, s);
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex all() {
        return org.nd4j.linalg.indexing.NDArrayIndex.all();
    }

    /** (positions.length, headDim / 2) cosines of the given positions. */
    public INDArray cosRows(int[] positions) {
        return Nd4j.pullRows(cos, 1, positions);
    }

    /** (positions.length, headDim / 2) sines of the given positions. */
    public INDArray sinRows(int[] positions) {
        return Nd4j.pullRows(sin, 1, positions);
    }

    /** All cosines, (positions, pairs) row-major; read only. */
    float[] cosTable() {
        return cosTable;
    }

    /** All sines, (positions, pairs) row-major; read only. */
    float[] sinTable() {
        return sinTable;
    }

    public int maxPositions() {
        return (int) cos.size(0);
    }

    public int pairs() {
        return (int) cos.size(1);
    }
}
