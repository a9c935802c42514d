package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.Segment;
import io.muninn.model.kv.KvLayout;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The recurrent core: one iteration is the adapter over {@code [s, e]} followed by R sandwich blocks.
 * Each segment runs its own iteration number, so its layers write and read its own KV slots.
 */
record RecurrentCore(Adapter adapter, List<SandwichBlock> layers, KvLayout layout) {

    /**
     * One iteration of every segment.
     *
     * @param state      s (n, H), segments stacked
     * @param injected   e · A_eᵀ (n, H)
     * @param iterations the 0-based iteration each segment runs now
     * @return the new raw state (n, H), before {@code ln_f}
     */
    INDArray iterate(INDArray state, INDArray injected, int[] positions, List<Segment> segments, int[] iterations) {
        return SandwichBlock.forwardAll(layers, adapter.apply(state, injected), positions, segments,
                (layer, segment) -> layout.coreSlot(iterations[segment], layer));
    }
}
