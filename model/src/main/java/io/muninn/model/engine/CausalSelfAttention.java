package io.muninn.model.engine;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import io.muninn.model.kernel.Kernels;
import io.muninn.model.kernel.RopeTable;
import io.muninn.model.kv.KvBlockPool;
import io.muninn.model.weights.LayerWeights;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Causal self-attention (spec §2.3): fused q|k|v projection, qk bias before interleaved RoPE, scaled dot-product
 * attention over the segment's cache, output projection. Keys are cached post-bias, post-RoPE.
 */
final class CausalSelfAttention {
    private final Kernels kernels;
    private final LayerWeights w;
    private final RopeTable rope;
    private final KvBlockPool pool;
    private final int hidden;
    private final int heads;

    CausalSelfAttention(Kernels kernels, LayerWeights w, RopeTable rope, KvBlockPool pool, int hidden, int heads) {
        this.kernels = kernels;
        this.w = w;
        this.rope = rope;
        this.pool = pool;
        this.hidden = hidden;
        this.heads = heads;
    }

    /**
     * @param x         normalised input (n, H), segments stacked
     * @param positions absolute position of each row
     * @param segments  the entries in the batch
     * @param slots     the KV slot each segment writes and reads at this layer
     */
    INDArray forward(INDArray x, int[] positions, List<Segment> segments, int[] slots) {
        INDArray qkv = kernels.linear(x, w.wqkv()); // (n, 3H)
        INDArray q = qkv.get(all(), interval(0, hidden)).dup('c').addiRowVector(w.qBias());
        INDArray k = qkv.get(all(), interval(hidden, 2 * hidden)).dup('c').addiRowVector(w.kBias());
        INDArray v = qkv.get(all(), interval(2 * hidden, 3 * hidden)).dup('c');
        kernels.applyRope(q, positions, rope, heads);
        kernels.applyRope(k, positions, rope, heads);

        INDArray out = Nd4j.createUninitialized(x.dataType(), x.size(0), hidden); // (n, H)
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            int from = s.rowOffset();
            int to = from + s.rows();
            // copies, not views: ND4J 1.0.0-M2.1 loses the buffer of an interval taken from a view with an offset
            INDArray segmentK = k.get(interval(from, to), all()).dup('c');
            INDArray segmentV = v.get(interval(from, to), all()).dup('c');
            s.kv().write(slots[i], s.firstPosition(), segmentK, segmentV);
            int[] rows = s.kv().attentionRows(slots[i], s.firstPosition(), s.rows());
            INDArray keys = Nd4j.pullRows(pool.keys(), 1, rows); // (keys, H)
            INDArray values = Nd4j.pullRows(pool.values(), 1, rows);
            INDArray segmentQ = q.get(interval(from, to), all()).dup('c');
            out.get(interval(from, to), all()).assign(kernels.attention(segmentQ, keys, values, heads));
        }
        return kernels.linear(out, w.attnOut()); // (n, H)
    }
}
