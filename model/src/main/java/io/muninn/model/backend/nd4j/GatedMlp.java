package io.muninn.model.backend.nd4j;

import io.muninn.model.kernel.Kernels;
import io.muninn.model.kernel.Linear;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Gated MLP: {@code proj(silu(gate) ⊙ up)} with {@code fc} rows gate | up. */
final class GatedMlp {
    private final Kernels kernels;
    private final Linear fc; // (2I, H)
    private final Linear proj; // (H, I)

    GatedMlp(Kernels kernels, INDArray fc, INDArray proj) {
        this.kernels = kernels;
        this.fc = kernels.prepare(fc);
        this.proj = kernels.prepare(proj);
    }

    INDArray forward(INDArray x) {
        INDArray gateUp = fc.apply(x); // (n, 2I)
        return proj.apply(kernels.gatedSilu(gateUp)); // (n, H)
    }
}
