package io.muninn.model.engine;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import io.muninn.model.kernel.Kernels;
import io.muninn.model.kernel.Linear;
import io.muninn.model.kernel.RopeTable;
import io.muninn.model.kernel.StepTimer;
import io.muninn.model.kv.KvBlockPool;
import io.muninn.model.weights.LayerWeights;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterUpdate;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Causal self-attention (spec §2.3): fused q|k|v projection, qk bias before interleaved RoPE, scaled dot-product
 * attention over the segment's cache, output projection. Keys are cached post-bias, post-RoPE.
 */
final class CausalSelfAttention {
    private final Kernels kernels;
    private final LayerWeights w;
    private final Linear wqkv; // (3H, H)
    private final Linear attnOut; // (H, H)
    private final RopeTable rope;
    private final KvBlockPool pool;
    private final int hidden;
    private final int heads;

    CausalSelfAttention(Kernels kernels, LayerWeights w, RopeTable rope, KvBlockPool pool, int hidden, int heads) {
        this.kernels = kernels;
        this.w = w;
        this.wqkv = kernels.prepare(w.wqkv());
        this.attnOut = kernels.prepare(w.attnOut());
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
        INDArray qkv = wqkv.apply(x); // (n, 3H)
        long started = StepTimer.start();
        INDArray q = qkv.get(all(), interval(0, hidden)).dup('c').addiRowVector(w.qBias());
        INDArray k = qkv.get(all(), interval(hidden, 2 * hidden)).dup('c').addiRowVector(w.kBias());
        INDArray v = qkv.get(all(), interval(2 * hidden, 3 * hidden)).dup('c');
        StepTimer.stop(StepTimer.Part.ATTENTION, started);
        kernels.applyRope(q, positions, rope, heads);
        kernels.applyRope(k, positions, rope, heads);

        started = StepTimer.start();
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.size(0), hidden); // (n, H)
        int singles = MicroBatch.leadingSingleRows(segments);
        if (singles >= 2) {
            attendSingleRows(q, k, v, segments, slots, singles, out);
        } else {
            singles = 0;
        }
        for (int i = singles; i < segments.size(); i++) {
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
        StepTimer.stop(StepTimer.Part.ATTENTION, started);
        return attnOut.apply(out); // (n, H)
    }

    /**
     * Decode rows (one query row each, stacked first in the batch) in one pass: their keys and values are written
     * into the pool, and each row attends to its own pool rows where they are.
     */
    private void attendSingleRows(INDArray q, INDArray k, INDArray v, List<Segment> segments, int[] slots, int count, INDArray out) {
        int[] writeRows = new int[count];
        int[][] readRows = new int[count][];
        for (int i = 0; i < count; i++) {
            Segment s = segments.get(i);
            writeRows[i] = s.kv().rowForWrite(slots[i], s.firstPosition());
        }
        kernels.writeRows(pool.keys(), writeRows, k.get(interval(0, count), all()));
        kernels.writeRows(pool.values(), writeRows, v.get(interval(0, count), all()));
        for (int i = 0; i < count; i++) {
            Segment s = segments.get(i);
            readRows[i] = s.kv().attentionRows(slots[i], s.firstPosition(), 1);
        }
        INDArray attended = kernels.attendPoolRows(q.get(interval(0, count), all()), pool.keys(), pool.values(), readRows, heads);
        out.get(interval(0, count), all()).assign(attended);
    }
}
