package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.Segment;
import io.muninn.model.kv.KvLayout;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The prelude: P sandwich blocks over the scaled embeddings; its output {@code e} is injected. */
final class Prelude {
    private final List<SandwichBlock> layers;
    private final KvLayout layout;

    Prelude(List<SandwichBlock> layers, KvLayout layout) {
        this.layers = layers;
        this.layout = layout;
    }

    INDArray forward(INDArray embedded, int[] positions, List<Segment> segments) {
        INDArray x = embedded;
        int[] slots = new int[segments.size()];
        for (int l = 0; l < layers.size(); l++) {
            Arrays.fill(slots, layout.preludeSlot(l));
            x = layers.get(l).forward(x, positions, segments, slots);
        }
        return x;
    }
}
