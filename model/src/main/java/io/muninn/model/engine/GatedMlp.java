package io.muninn.model.engine;

import io.muninn.model.kernel.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Gated MLP (spec §2.3): {@code proj(silu(gate) ⊙ up)} with {@code fc} rows gate | up. */
final class GatedMlp {
    private final Kernels kernels;
    private final INDArray fc; // (2I, H)
    private final INDArray proj; // (H, I)

    GatedMlp(Kernels kernels, INDArray fc, INDArray proj) {
        this.kernels = kernels;
        this.fc = fc;
        this.proj = proj;
    }

    INDArray forward(INDArray x) {
        INDArray gateUp = kernels.linear(x, fc); // (n, 2I)
        return kernels.linear(kernels.gatedSilu(gateUp), proj); // (n, H)
    }
}
