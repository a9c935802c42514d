package io.muninn.model.backend.nd4j;

import io.muninn.model.kernel.Kernels;
import io.muninn.model.kernel.Linear;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The language-model head, tied to the embedding unless the checkpoint unties it. FP32 logits. */
final class LmHead {
    private final Linear weight; // (V, H)

    LmHead(Kernels kernels, INDArray weight) {
        this.weight = kernels.prepare(weight);
    }

    /** (n, H) → (n, V). */
    INDArray logits(INDArray hidden) {
        return weight.apply(hidden);
    }
}
