package io.muninn.model.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A weight matrix made ready for {@code y = x · Wᵀ} (PyTorch's {@code [out, in]} layout) by {@link Kernels#prepare}:
 * packed once for the CPU's matrix-product kernel, or used as it is.
 */
public interface Linear {

    /** x (n, in) → (n, out). */
    INDArray apply(INDArray x);
}
