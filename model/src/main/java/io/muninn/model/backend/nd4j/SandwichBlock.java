package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.Segment;
import io.muninn.model.kernel.Kernels;
import io.muninn.model.kernel.RopeTable;
import io.muninn.model.weights.LayerWeights;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The sandwich block shared by prelude, core and coda:
 * {@code a = Attn(n1(x)); x = n2(a + x); x = n4(MLP(n3(x)) + x)}.
 */
final class SandwichBlock {
    private final RmsNorm norm1;
    private final RmsNorm norm2;
    private final RmsNorm norm3;
    private final RmsNorm norm4;
    private final CausalSelfAttention attention;
    private final GatedMlp mlp;

    SandwichBlock(Kernels kernels, LayerWeights w, double eps, RopeTable rope, KvStorage kv, int hidden, int heads) {
        this.norm1 = new RmsNorm(kernels, w.norm1(), eps);
        this.norm2 = new RmsNorm(kernels, w.norm2(), eps);
        this.norm3 = new RmsNorm(kernels, w.norm3(), eps);
        this.norm4 = new RmsNorm(kernels, w.norm4(), eps);
        this.attention = new CausalSelfAttention(kernels, w, rope, kv, hidden, heads);
        this.mlp = new GatedMlp(kernels, w.mlpFc(), w.mlpOut());
    }

    /** The KV slot that layer {@code layer} of a stage writes and reads for segment {@code segment}. */
    @FunctionalInterface
    interface Slots {
        int of(int layer, int segment);
    }

    /** {@code layers} in order over the stacked segments, each layer at the slots {@code slots} gives it. */
    static INDArray forwardAll(List<SandwichBlock> layers, INDArray x, int[] positions, List<Segment> segments, Slots slots) {
        int[] layerSlots = new int[segments.size()];
        for (int l = 0; l < layers.size(); l++) {
            for (int i = 0; i < layerSlots.length; i++) {
                layerSlots[i] = slots.of(l, i);
            }
            x = layers.get(l).forward(x, positions, segments, layerSlots);
        }
        return x;
    }

    INDArray forward(INDArray x, int[] positions, List<Segment> segments, int[] slots) {
        INDArray a = attention.forward(norm1.apply(x), positions, segments, slots);
        INDArray h = norm2.apply(a.addi(x));
        return norm4.apply(mlp.forward(norm3.apply(h)).addi(h));
    }
}
