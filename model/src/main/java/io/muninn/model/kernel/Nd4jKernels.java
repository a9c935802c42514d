package io.muninn.model.kernel;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@link Kernels} on ND4J: BLAS for the matrix products, composed element-wise ops for the rest. */
public final class Nd4jKernels implements Kernels {

    private static final float MASKED = -1e30f;

    @Override
    public INDArray linear(INDArray x, INDArray w) {
        // (n, in) · (out, in)ᵀ: BLAS reads w transposed in place, no copy.
        return Nd4j.gemm(x, w, false, true);
    }

    @Override
    public INDArray rmsNorm(INDArray x, INDArray weight, double eps) {
        INDArray meanSquare = x.mul(x).mean(1); // (n)
        INDArray inverseRms = Transforms.pow(meanSquare.addi(eps), -0.5, false); // (n)
        return x.mulColumnVector(inverseRms).muliRowVector(weight);
    }

    @Override
    public void applyRope(INDArray x, int[] positions, RopeTable table, int heads) {
        int rows = (int) x.size(0);
        int pairs = table.pairs();
        INDArray pairsView = x.reshape('c', rows, heads, pairs, 2); // a view: x is row-major and contiguous
        INDArray even = pairsView.get(all(), all(), all(), point(0)); // (n, heads, pairs)
        INDArray odd = pairsView.get(all(), all(), all(), point(1));
        INDArray cos = table.cosRows(positions); // (n, pairs)
        INDArray sin = table.sinRows(positions);
        INDArray e = even.dup('c');
        INDArray o = odd.dup('c');
        INDArray eCos = Broadcast.mul(e, cos, e.ulike(), 0, 2);
        INDArray oSin = Broadcast.mul(o, sin, o.ulike(), 0, 2);
        INDArray oCos = Broadcast.mul(o, cos, o.ulike(), 0, 2);
        INDArray eSin = Broadcast.mul(e, sin, e.ulike(), 0, 2);
        even.assign(eCos.subi(oSin));
        odd.assign(oCos.addi(eSin));
    }

    @Override
    public INDArray gatedSilu(INDArray gateUp) {
        long inner = gateUp.size(1) / 2;
        INDArray gate = gateUp.get(all(), interval(0, inner));
        INDArray up = gateUp.get(all(), interval(inner, 2 * inner));
        return Transforms.sigmoid(gate, true).muli(gate).muli(up);
    }

    @Override
    public INDArray attention(INDArray q, INDArray k, INDArray v, int heads) {
        int m = (int) q.size(0);
        int n = (int) k.size(0);
        int hidden = (int) q.size(1);
        int headDim = hidden / heads;
        INDArray qh = q.reshape('c', m, heads, headDim).permute(1, 0, 2).dup('c'); // (heads, m, hd)
        INDArray kh = k.reshape('c', n, heads, headDim).permute(1, 0, 2).dup('c'); // (heads, n, hd)
        INDArray vh = v.reshape('c', n, heads, headDim).permute(1, 0, 2).dup('c'); // (heads, n, hd)
        INDArray scores = Nd4j.matmul(qh, kh, false, true, false); // (heads, m, n)
        scores.muli(1.0 / Math.sqrt(headDim));
        if (m > 1) {
            Broadcast.add(scores, causalMask(m, n), scores, 1, 2);
        }
        Nd4j.exec(new SoftMax(scores, scores, 2));
        INDArray out = Nd4j.matmul(scores, vh); // (heads, m, hd)
        return out.permute(1, 0, 2).dup('c').reshape('c', m, hidden);
    }

    @Override
    public INDArray attentionPadded(INDArray q, INDArray k, INDArray v, int heads, int[] lengths) {
        int e = (int) q.size(0);
        int hidden = (int) q.size(1);
        int headDim = hidden / heads;
        int n = (int) k.size(0) / e;
        INDArray qh = q.reshape('c', (long) e * heads, 1, headDim); // (E·heads, 1, hd)
        INDArray kh = k.reshape('c', e, n, heads, headDim).permute(0, 2, 1, 3).dup('c').reshape('c', (long) e * heads, n, headDim);
        INDArray vh = v.reshape('c', e, n, heads, headDim).permute(0, 2, 1, 3).dup('c').reshape('c', (long) e * heads, n, headDim);
        INDArray scores = Nd4j.matmul(qh, kh, false, true, false); // (E·heads, 1, N)
        scores.muli(1.0 / Math.sqrt(headDim));
        float[] mask = new float[e * heads * n];
        for (int row = 0; row < e; row++) {
            for (int h = 0; h < heads; h++) {
                java.util.Arrays.fill(mask, (row * heads + h) * n + lengths[row], (row * heads + h + 1) * n, MASKED);
            }
        }
        scores.addi(Nd4j.create(mask, new long[] {(long) e * heads, 1, n}, 'c'));
        Nd4j.exec(new SoftMax(scores, scores, 2));
        return Nd4j.matmul(scores, vh).reshape('c', e, hidden); // (E·heads, 1, hd) → (E, H)
    }

    private static INDArray causalMask(int m, int n) {
        float[] mask = new float[m * n];
        int offset = n - m;
        for (int i = 0; i < m; i++) {
            for (int j = offset + i + 1; j < n; j++) {
                mask[i * n + j] = MASKED;
            }
        }
        return Nd4j.create(mask, new long[] {m, n}, 'c');
    }
}
