package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.Segment;
import io.muninn.model.kv.KvLayout;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The prelude: P sandwich blocks over the scaled embeddings; its output {@code e} is injected. */
record Prelude(List<SandwichBlock> layers, KvLayout layout) {

    INDArray forward(INDArray embedded, int[] positions, List<Segment> segments) {
        return SandwichBlock.forwardAll(layers, embedded, positions, segments, (layer, segment) -> layout.preludeSlot(layer));
    }
}
