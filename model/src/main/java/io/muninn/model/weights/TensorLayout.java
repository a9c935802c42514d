package io.muninn.model.weights;

import static io.muninn.model.checkpoint.TensorNames.ADAPTER;
import static io.muninn.model.checkpoint.TensorNames.ATTN_PROJ;
import static io.muninn.model.checkpoint.TensorNames.EMBEDDING;
import static io.muninn.model.checkpoint.TensorNames.FREQS_CIS;
import static io.muninn.model.checkpoint.TensorNames.LM_HEAD;
import static io.muninn.model.checkpoint.TensorNames.LN_F;
import static io.muninn.model.checkpoint.TensorNames.MLP_FC;
import static io.muninn.model.checkpoint.TensorNames.MLP_PROJ;
import static io.muninn.model.checkpoint.TensorNames.NORM_1;
import static io.muninn.model.checkpoint.TensorNames.NORM_2;
import static io.muninn.model.checkpoint.TensorNames.NORM_3;
import static io.muninn.model.checkpoint.TensorNames.NORM_4;
import static io.muninn.model.checkpoint.TensorNames.QK_BIAS;
import static io.muninn.model.checkpoint.TensorNames.WQKV;

import io.muninn.model.checkpoint.TensorNames;
import io.muninn.model.checkpoint.TensorNames.Stack;
import io.muninn.model.config.ModelConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every tensor a config implies, with the exact shape the loader demands, in the reference's
 * declaration order. Required: the embedding, each block's four norms, {@code attn.Wqkv}, {@code attn.proj},
 * {@code mlp.fc}, {@code mlp.proj} and (only with {@code qk_bias}) {@code attn.qk_bias}, the adapter, {@code ln_f},
 * and {@code lm_head.weight} when the head is not tied. Optional: {@code lm_head.weight} when tied (Hugging Face
 * may store a copy) and the {@code freqs_cis} buffer.
 */
public final class TensorLayout {
    private final Map<String, long[]> shapes;
    private final Set<String> optional;

    private TensorLayout(Map<String, long[]> shapes, Set<String> optional) {
        this.shapes = Collections.unmodifiableMap(shapes);
        this.optional = Collections.unmodifiableSet(optional);
    }

    public static TensorLayout of(ModelConfig config) {
        long h = config.hiddenSize();
        long v = config.vocabSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Set<String> optional = new HashSet<>();
        shapes.put(EMBEDDING, new long[] {v, h});
        addStack(shapes, config, Stack.PRELUDE, config.preludeLayers());
        shapes.put(ADAPTER, new long[] {h, 2 * h});
        addStack(shapes, config, Stack.CORE, config.coreLayers());
        addStack(shapes, config, Stack.CODA, config.codaLayers());
        shapes.put(LN_F, new long[] {h});
        shapes.put(LM_HEAD, new long[] {v, h});
        if (config.tieEmbeddings()) {
            optional.add(LM_HEAD);
        }
        shapes.put(FREQS_CIS, new long[] {1, config.blockSize(), 1, config.headDim() / 2, 2});
        optional.add(FREQS_CIS);
        return new TensorLayout(shapes, optional);
    }

    private static void addStack(Map<String, long[]> shapes, ModelConfig config, Stack stack, int layers) {
        long h = config.hiddenSize();
        long i = config.intermediateSize();
        for (int layer = 0; layer < layers; layer++) {
            for (String norm : List.of(NORM_1, NORM_2, NORM_3, NORM_4)) {
                shapes.put(TensorNames.layer(stack, layer, norm), new long[] {h});
            }
            if (config.qkBias()) {
                shapes.put(TensorNames.layer(stack, layer, QK_BIAS),
                        new long[] {2, 1, config.numHeads(), config.headDim()});
            }
            shapes.put(TensorNames.layer(stack, layer, WQKV), new long[] {3 * h, h});
            shapes.put(TensorNames.layer(stack, layer, ATTN_PROJ), new long[] {h, h});
            shapes.put(TensorNames.layer(stack, layer, MLP_FC), new long[] {2 * i, h});
            shapes.put(TensorNames.layer(stack, layer, MLP_PROJ), new long[] {h, i});
        }
    }

    /** Every tensor name this layout knows, required and optional, in declaration order. */
    public List<String> names() {
        return List.copyOf(shapes.keySet());
    }

    /** The names a checkpoint must hold, in declaration order. */
    public List<String> requiredNames() {
        List<String> required = new ArrayList<>();
        for (String name : shapes.keySet()) {
            if (!optional.contains(name)) {
                required.add(name);
            }
        }
        return required;
    }

    public boolean contains(String name) {
        return shapes.containsKey(name);
    }

    public boolean isRequired(String name) {
        return contains(name) && !optional.contains(name);
    }

    /** A copy of the shape the config needs for {@code name}. */
    public long[] shape(String name) {
        long[] shape = shapes.get(name);
        if (shape == null) {
            throw new IllegalArgumentException("no tensor " + name + " in this layout");
        }
        return shape.clone();
    }

    /**
     * The number of learned parameters: every required tensor's elements (a tied head counted once, as the
     * embedding), without the {@code freqs_cis} buffer. 3,564,976,800 for Huginn-0125.
     */
    public long parameterCount() {
        long count = 0;
        for (String name : requiredNames()) {
            long elements = 1;
            for (long dimension : shapes.get(name)) {
                elements = Math.multiplyExact(elements, dimension);
            }
            count = Math.addExact(count, elements);
        }
        return count;
    }
}
