package io.muninn.model.backend.nd4j;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.kernel.Kernels;
import io.muninn.model.kernel.RopeTable;
import io.muninn.model.kv.KvBlockPool;
import io.muninn.model.kv.KvLayout;
import io.muninn.model.weights.LayerWeights;
import io.muninn.model.weights.ModelWeights;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The stages of one loaded model bound to one KV layout: embedding, prelude, core, coda, head. */
final class RecurrentDepthModel {
    final ModelConfig config;
    final Prelude prelude;
    final RecurrentCore core;
    final Coda coda;
    final LmHead head;
    private final INDArray embedding;

    RecurrentDepthModel(ModelWeights w, Kernels kernels, KvBlockPool pool, KvLayout layout) {
        this.config = w.config();
        int hidden = config.hiddenSize();
        int heads = config.numHeads();
        RopeTable rope = w.ropeTable() != null
                ? RopeTable.fromStored(w.ropeTable())
                : RopeTable.compute(config.blockSize(), config.headDim(), config.ropeBase());
        this.embedding = w.embedding();
        KvStorage kv = KvStorage.allocate(pool); // the pool's blocks, in full, shared by every attention layer
        this.prelude = new Prelude(blocks(w.prelude(), kernels, rope, kv), layout);
        this.core = new RecurrentCore(new Adapter(kernels, w.adapter(), hidden), blocks(w.core(), kernels, rope, kv), layout);
        this.coda = new Coda(new RmsNorm(kernels, w.lnF(), config.normEps()), blocks(w.coda(), kernels, rope, kv), layout);
        this.head = new LmHead(kernels, w.lmHead());
    }

    private List<SandwichBlock> blocks(List<LayerWeights> layers, Kernels kernels, RopeTable rope, KvStorage kv) {
        List<SandwichBlock> out = new ArrayList<>();
        for (LayerWeights lw : layers) {
            out.add(new SandwichBlock(kernels, lw, config.normEps(), rope, kv, config.hiddenSize(), config.numHeads()));
        }
        return out;
    }

    /** γ·E(x): (n, H). */
    INDArray embed(int[] tokens) {
        return Nd4j.pullRows(embedding, 1, tokens).muli((float) config.embedScale());
    }
}
