package io.muninn.model.kernel;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code y = x · Wᵀ} by OpenBLAS's {@code cblas_sgemm}, called directly on the arrays' native buffers: the same
 * library and arithmetic as ND4J's gemm, without ND4J's per-op overhead (tens of microseconds, more than the product
 * itself for a small model's matrices). BLAS packs the weights on every call, which is cheap for small weights.
 */
final class BlasLinear implements Linear {
    private final INDArray w; // (out, in), row-major, no offset
    private final int in;
    private final int out;

    BlasLinear(INDArray w) {
        NativeArrays.checkWeight(w);
        this.w = w.isView() || w.ordering() != 'c' ? w.dup('c') : w;
        this.out = (int) w.size(0);
        this.in = (int) w.size(1);
    }

    @Override
    public INDArray apply(INDArray x) {
        long started = StepTimer.start();
        INDArray input = NativeArrays.dense(x, in);
        int n = (int) input.size(0);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, n, out);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasTrans, n, out, in, 1f, floats(input), in, floats(w), in, 0f, floats(y), out);
        StepTimer.stop(StepTimer.Part.MATRIX_PRODUCTS, started);
        return y;
    }

    private static FloatPointer floats(INDArray a) {
        return new FloatPointer(NativeArrays.address(a));
    }
}
