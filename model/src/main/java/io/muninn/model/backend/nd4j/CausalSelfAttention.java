package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.Segment;
import io.muninn.model.kernel.Kernels;
import io.muninn.model.kernel.Linear;
import io.muninn.model.kernel.RopeTable;
import io.muninn.model.kernel.StepTimer;
import io.muninn.model.weights.LayerWeights;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Causal self-attention: fused q|k|v projection, qk bias before interleaved RoPE, scaled dot-product
 * attention over the segment's cache, output projection. Keys are cached post-bias, post-RoPE.
 */
final class CausalSelfAttention {
    private final Kernels kernels;
    private final LayerWeights w;
    private final Linear wqkv; // (3H, H)
    private final Linear attnOut; // (H, H)
    private final RopeTable rope;
    private final KvStorage kv;
    private final int hidden;
    private final int heads;

    CausalSelfAttention(Kernels kernels, LayerWeights w, RopeTable rope, KvStorage kv, int hidden, int heads) {
        this.kernels = kernels;
        this.w = w;
        this.wqkv = kernels.prepare(w.wqkv());
        this.attnOut = kernels.prepare(w.attnOut());
        this.rope = rope;
        this.kv = kv;
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
        INDArray[] split = kernels.splitQkv(qkv, w.qBias(), w.kBias());
        INDArray q = split[0];
        INDArray k = split[1];
        INDArray v = split[2];
        kernels.applyRope(q, positions, rope, heads);
        kernels.applyRope(k, positions, rope, heads);

        long started = StepTimer.start();
        int n = (int) x.size(0);
        int[] targets = new int[n];
        int[][] keyRows = new int[n][];
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            for (int r = 0; r < s.rows(); r++) {
                targets[s.rowOffset() + r] = s.kv().rowForWrite(slots[i], s.firstPosition() + r);
            }
        }
        kernels.writeRows(kv.keys(), targets, k);
        kernels.writeRows(kv.values(), targets, v);
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            int[] rows = s.kv().attentionRows(slots[i], s.firstPosition(), s.rows()); // earlier positions, then its own
            for (int r = 0; r < s.rows(); r++) { // causal: row r sees its own positions up to itself
                int visible = rows.length - s.rows() + r + 1;
                keyRows[s.rowOffset() + r] = visible == rows.length ? rows : Arrays.copyOf(rows, visible);
            }
        }
        INDArray out = kernels.attendPoolRows(q, kv.keys(), kv.values(), keyRows, heads); // (n, H)
        StepTimer.stop(StepTimer.Part.ATTENTION, started);
        return attnOut.apply(out); // (n, H)
    }
}
