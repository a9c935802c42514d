package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.Segment;
import io.muninn.model.kv.KvLayout;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The coda: {@code ln_f} (the paper's n_c, closing the core), C sandwich blocks, {@code ln_f}
 * again with the same weights.
 */
record Coda(RmsNorm lnF, List<SandwichBlock> layers, KvLayout layout) {

    /** Raw latents (n, H) → final hidden states (n, H). Writes the coda KV of every row. */
    INDArray forward(INDArray latents, int[] positions, List<Segment> segments) {
        INDArray x = SandwichBlock.forwardAll(layers, lnF.apply(latents), positions, segments,
                (layer, segment) -> layout.codaSlot(layer));
        return lnF.apply(x);
    }
}
