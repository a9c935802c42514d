package io.muninn.model.kernel;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link Kernels} on ND4J arrays: on the CPU, oneDNN's matmul over weights packed once (large weights) or OpenBLAS
 * called directly (small ones) for the matrix products; ND4J's gemm on a GPU; composed ND4J ops for the rest.
 */
public final class Nd4jKernels implements Kernels {

    /** Who multiplies by the weights. */
    public enum MatrixProducts {
        /**
         * The CPU default: {@link #PACKED} for weights of at least {@value #PACKED_FROM_ELEMENTS} elements, {@link
         * #BLAS} below, where oneDNN's per-call cost outweighs what packing saves (bench/README.md, "Matrix
         * products"); {@link #ND4J} with the CUDA backend.
         */
        AUTO,
        /** oneDNN's matmul over weights packed once per JVM ({@link OneDnnLinear}). */
        PACKED,
        /** OpenBLAS's {@code cblas_sgemm} called directly ({@link BlasLinear}); packs the weights on every call. */
        BLAS,
        /** ND4J's gemm (OpenBLAS on the CPU, cuBLAS with the CUDA backend), as the engine ran until 2026-12-05. */
        ND4J;

        /** Weights of at least this many elements (1 MiB of FP32) are packed under {@link #AUTO}. */
        public static final long PACKED_FROM_ELEMENTS = 1L << 18;

        /** The system property {@code muninn.matmul} ({@code auto}, {@code packed}, {@code blas}, {@code nd4j}), else {@code auto}. */
        public static MatrixProducts configured() {
            String name = System.getProperty("muninn.matmul", "auto");
            try {
                return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("muninn.matmul must be auto, packed, blas or nd4j but was '" + name + "'", e);
            }
        }

        /** What this choice uses for w on this backend. */
        MatrixProducts resolve(INDArray w) {
            if (this != AUTO) {
                return this;
            }
            if (Accelerator.cudaBackend()) {
                return ND4J;
            }
            return w.length() >= PACKED_FROM_ELEMENTS ? PACKED : BLAS;
        }
    }

    private static final float MASKED = -1e30f;

    private final MatrixProducts products;

    /** Matrix products as {@link MatrixProducts#configured()} says ({@link MatrixProducts#AUTO} unless set). */
    public Nd4jKernels() {
        this(MatrixProducts.configured());
    }

    public Nd4jKernels(MatrixProducts products) {
        this.products = products;
    }

    public MatrixProducts matrixProducts() {
        return products;
    }

    @Override
    public Linear prepare(INDArray w) {
        switch (products.resolve(w)) {
            case PACKED:
                return PackCache.packed(w);
            case BLAS:
                return new BlasLinear(w);
            default:
                break;
        }
        // (n, in) · (out, in)ᵀ: BLAS reads w transposed in place (and packs it on every call); views are copied once.
        INDArray dense = w.isView() ? w.dup('c') : w;
        return x -> {
            long started = StepTimer.start();
            INDArray y = Nd4j.gemm(x, dense, false, true);
            StepTimer.stop(StepTimer.Part.MATRIX_PRODUCTS, started);
            return y;
        };
    }

    @Override
    public INDArray rmsNorm(INDArray x, INDArray weight, double eps) {
        long started = StepTimer.start();
        INDArray meanSquare = x.mul(x).mean(1); // (n)
        INDArray inverseRms = Transforms.pow(meanSquare.addi(eps), -0.5, false); // (n)
        INDArray y = x.mulColumnVector(inverseRms).muliRowVector(weight);
        StepTimer.stop(StepTimer.Part.NORMS_ELEMENTWISE, started);
        return y;
    }

    @Override
    public void applyRope(INDArray x, int[] positions, RopeTable table, int heads) {
        long started = StepTimer.start();
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
        StepTimer.stop(StepTimer.Part.NORMS_ELEMENTWISE, started);
    }

    @Override
    public INDArray gatedSilu(INDArray gateUp) {
        long started = StepTimer.start();
        long inner = gateUp.size(1) / 2;
        INDArray gate = gateUp.get(all(), interval(0, inner));
        INDArray up = gateUp.get(all(), interval(inner, 2 * inner));
        INDArray y = Transforms.sigmoid(gate, true).muli(gate).muli(up);
        StepTimer.stop(StepTimer.Part.NORMS_ELEMENTWISE, started);
        return y;
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
