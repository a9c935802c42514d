package io.muninn.model.backend.nd4j;

import io.muninn.model.kernel.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/** RMSNorm: {@code x · rsqrt(mean(x²) + eps) · weight}, row-wise. */
final class RmsNorm {
    private final Kernels kernels;
    private final INDArray weight;
    private final double eps;

    RmsNorm(Kernels kernels, INDArray weight, double eps) {
        this.kernels = kernels;
        this.weight = weight;
        this.eps = eps;
    }

    INDArray apply(INDArray x) {
        return kernels.rmsNorm(x, weight, eps);
    }
}
