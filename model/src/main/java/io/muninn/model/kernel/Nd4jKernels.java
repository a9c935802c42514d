package io.muninn.model.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Kernels} on ND4J arrays: on the CPU, oneDNN's matmul over weights packed once (large weights) or OpenBLAS
 * called directly (small ones) for the matrix products, ND4J's gemm on a GPU; Java loops that stream rows out of and
 * into the native buffers for the element-wise kernels, and over the KV pool where it lies for attention
 * ({@link Elementwise}, {@link DecodeAttention}).
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
    public INDArray[] splitQkv(INDArray qkv, INDArray qBias, INDArray kBias) {
        long started = StepTimer.start();
        int rows = (int) qkv.size(0);
        int hidden = (int) qkv.size(1) / 3;
        INDArray[] out = Elementwise.splitQkv(qkv, rows, hidden, Elementwise.read(qBias), Elementwise.read(kBias));
        StepTimer.stop(StepTimer.Part.ATTENTION, started);
        return out;
    }

    @Override
    public INDArray rmsNorm(INDArray x, INDArray weight, double eps) {
        long started = StepTimer.start();
        int rows = (int) x.size(0);
        int hidden = (int) x.size(1);
        INDArray y = Elementwise.rmsNorm(x, rows, hidden, Elementwise.read(weight), eps);
        StepTimer.stop(StepTimer.Part.NORMS_ELEMENTWISE, started);
        return y;
    }

    @Override
    public void applyRope(INDArray x, int[] positions, RopeTable table, int heads) {
        long started = StepTimer.start();
        if (x.isView() || x.ordering() != 'c') {
            throw new IllegalArgumentException("rope rotates a dense row-major array in place but got a view " + x.shapeInfoToString());
        }
        Elementwise.rope(x, (int) x.size(0), heads, table.pairs(), positions, table.cosTable(), table.sinTable());
        StepTimer.stop(StepTimer.Part.NORMS_ELEMENTWISE, started);
    }

    @Override
    public INDArray gatedSilu(INDArray gateUp) {
        long started = StepTimer.start();
        int rows = (int) gateUp.size(0);
        int inner = (int) gateUp.size(1) / 2;
        INDArray y = Elementwise.gatedSilu(gateUp, rows, inner);
        StepTimer.stop(StepTimer.Part.NORMS_ELEMENTWISE, started);
        return y;
    }

    @Override
    public void writeRows(INDArray pool, int[] targets, INDArray rows) {
        long started = StepTimer.start();
        DecodeAttention.write(pool, targets, rows);
        StepTimer.stop(StepTimer.Part.ATTENTION, started);
    }

    @Override
    public INDArray attendPoolRows(INDArray q, INDArray keys, INDArray values, int[][] rows, int heads) {
        return Elementwise.create(DecodeAttention.attend(q, keys, values, rows, heads), q.size(0), q.size(1));
    }
}
