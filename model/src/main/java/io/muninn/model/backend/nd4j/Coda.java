package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.Segment;
import io.muninn.model.kv.KvLayout;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The coda: {@code ln_f} (the paper's n_c, closing the core), C sandwich blocks, {@code ln_f}
 * again with the same weights.
 */
final class Coda {
    private final RmsNorm lnF;
    private final List<SandwichBlock> layers;
    private final KvLayout layout;

    Coda(RmsNorm lnF, List<SandwichBlock> layers, KvLayout layout) {
        this.lnF = lnF;
        this.layers = layers;
        this.layout = layout;
    }

    /** Raw latents (n, H) → final hidden states (n, H). Writes the coda KV of every row. */
    INDArray forward(INDArray latents, int[] positions, List<Segment> segments) {
        INDArray x = lnF.apply(latents);
        int[] slots = new int[segments.size()];
        for (int l = 0; l < layers.size(); l++) {
            Arrays.fill(slots, layout.codaSlot(l));
            x = layers.get(l).forward(x, positions, segments, slots);
        }
        return lnF.apply(x);
    }
}
