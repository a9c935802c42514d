package io.muninn.model.weights;

import io.muninn.model.config.ModelConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every weight of a recurrent-depth model, FP32, immutable, loaded once.
 *
 * @param config    the blueprint the shapes were checked against
 * @param embedding {@code transformer.wte.weight} (V, H)
 * @param lmHead    {@code lm_head.weight} (V, H); the same instance as {@code embedding} when tied
 * @param prelude   {@code transformer.prelude.*}, P layers
 * @param core      {@code transformer.core_block.*}, R layers
 * @param coda      {@code transformer.coda.*}, C layers
 * @param adapter   {@code transformer.adapter.weight} (H, 2H), columns state | embedding
 * @param lnF       {@code transformer.ln_f.weight} (H)
 * @param ropeTable {@code freqs_cis} as stored in the checkpoint (blockSize, headDim/2, 2) with [..,0]=cos and
 *                  [..,1]=sin, or {@code null} when the checkpoint has none and the engine computes it
 */
public record ModelWeights(
        ModelConfig config,
        INDArray embedding,
        INDArray lmHead,
        List<LayerWeights> prelude,
        List<LayerWeights> core,
        List<LayerWeights> coda,
        INDArray adapter,
        INDArray lnF,
        INDArray ropeTable) {

    public ModelWeights {
        prelude = List.copyOf(prelude);
        core = List.copyOf(core);
        coda = List.copyOf(coda);
    }

    /**
     * Every array these weights hold, each once (a tied head is the embedding instance; the RoPE buffer is included
     * when present), in declaration order.
     */
    public List<INDArray> arrays() {
        Set<INDArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<INDArray> out = new ArrayList<>();
        List<INDArray> candidates = new ArrayList<>(List.of(embedding, lmHead));
        for (List<LayerWeights> stack : List.of(prelude, core, coda)) {
            for (LayerWeights l : stack) {
                candidates.addAll(List.of(l.norm1(), l.norm2(), l.norm3(), l.norm4(), l.qBias(), l.kBias(), l.wqkv(),
                        l.attnOut(), l.mlpFc(), l.mlpOut()));
            }
        }
        candidates.add(adapter);
        candidates.add(lnF);
        if (ropeTable != null) {
            candidates.add(ropeTable);
        }
        for (INDArray a : candidates) {
            if (seen.add(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** The memory {@link #arrays()} occupy: elements times element size, each array once. */
    public long bytes() {
        long bytes = 0;
        for (INDArray a : arrays()) {
            bytes += a.length() * a.dataType().width();
        }
        return bytes;
    }

    /**
     * The number of learned parameters held: a tied head counts once, the zero q/k biases of a config without
     * {@code qk_bias} and the {@code ropeTable} buffer not at all. Equals
     * {@link TensorLayout#parameterCount()} of the config for weights from {@link WeightsLoader}.
     */
    public long parameterCount() {
        long count = embedding.length() + adapter.length() + lnF.length();
        if (lmHead != embedding) {
            count += lmHead.length();
        }
        for (List<LayerWeights> stack : List.of(prelude, core, coda)) {
            for (LayerWeights layer : stack) {
                count += layer.norm1().length() + layer.norm2().length() + layer.norm3().length()
                        + layer.norm4().length() + layer.wqkv().length() + layer.attnOut().length()
                        + layer.mlpFc().length() + layer.mlpOut().length();
                if (config.qkBias()) {
                    count += layer.qBias().length() + layer.kBias().length();
                }
            }
        }
        return count;
    }
}
