package io.muninn.model.weights;

import com.google.gson.JsonObject;
import io.muninn.model.checkpoint.Checkpoint;
import io.muninn.model.checkpoint.Dtype;
import io.muninn.model.checkpoint.SafetensorsWriter;
import io.muninn.model.checkpoint.TensorNames;
import io.muninn.model.checkpoint.TensorNames.Stack;
import io.muninn.model.config.TinyConfigJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes the tiny test model ({@link TinyConfigJson}: H 8, 2 heads of 4, layers 1 / 2 / 1, I 12, V 16, 32
 * positions) as {@code config.json} plus a safetensors checkpoint. Shapes are spelled out here, independently of
 * {@link TensorLayout}. Every element is {@link #value}, a multiple of 1/16 in [-0.5, 0.5], exact in F32, BF16
 * and F16, so every encoding loads to the same floats.
 */
public final class TinyModel {
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();
    private final JsonObject config = TinyConfigJson.create();
    private Dtype dtype = Dtype.F32;
    private boolean sharded;

    /** A tensor to write: its shape and row-major values. */
    public record Tensor(long[] shape, float[] values) {}

    private TinyModel() {
        put(TensorNames.EMBEDDING, 16, 8);
        addStack(Stack.PRELUDE, 1);
        put(TensorNames.ADAPTER, 8, 16);
        addStack(Stack.CORE, 2);
        addStack(Stack.CODA, 1);
        put(TensorNames.LN_F, 8);
    }

    /** The tied model without {@code lm_head.weight} or {@code freqs_cis}, in F32, one file. */
    public static TinyModel create() {
        return new TinyModel();
    }

    private void addStack(Stack stack, int layers) {
        for (int layer = 0; layer < layers; layer++) {
            for (String norm : List.of(TensorNames.NORM_1, TensorNames.NORM_2, TensorNames.NORM_3,
                    TensorNames.NORM_4)) {
                put(TensorNames.layer(stack, layer, norm), 8);
            }
            put(TensorNames.layer(stack, layer, TensorNames.QK_BIAS), 2, 1, 2, 4);
            put(TensorNames.layer(stack, layer, TensorNames.WQKV), 24, 8);
            put(TensorNames.layer(stack, layer, TensorNames.ATTN_PROJ), 8, 8);
            put(TensorNames.layer(stack, layer, TensorNames.MLP_FC), 24, 8);
            put(TensorNames.layer(stack, layer, TensorNames.MLP_PROJ), 8, 12);
        }
    }

    /** Adds or replaces {@code name} with {@link #values} of {@code shape}. */
    public TinyModel put(String name, long... shape) {
        long count = 1;
        for (long dimension : shape) {
            count *= dimension;
        }
        return put(name, shape, values(name, (int) count));
    }

    public TinyModel put(String name, long[] shape, float[] values) {
        tensors.put(name, new Tensor(shape.clone(), values.clone()));
        return this;
    }

    public TinyModel remove(String name) {
        tensors.remove(name);
        return this;
    }

    /** The values {@code name} will be written with. */
    public float[] tensor(String name) {
        return tensors.get(name).values().clone();
    }

    public TinyModel dtype(Dtype encoding) {
        this.dtype = encoding;
        return this;
    }

    /** Writes two shards and {@code model.safetensors.index.json} instead of {@code model.safetensors}. */
    public TinyModel sharded() {
        this.sharded = true;
        return this;
    }

    public TinyModel config(Consumer<JsonObject> edit) {
        edit.accept(config);
        return this;
    }

    /** Writes {@code config.json} and the checkpoint into {@code dir}; returns {@code dir}. */
    public Path write(Path dir) {
        TinyConfigJson.write(dir, config);
        if (!sharded) {
            writer(List.copyOf(tensors.keySet())).write(dir.resolve(Checkpoint.SINGLE_FILE));
            return dir;
        }
        List<String> names = List.copyOf(tensors.keySet());
        List<String> first = names.subList(0, names.size() / 2);
        List<String> second = names.subList(names.size() / 2, names.size());
        writer(first).write(dir.resolve("model-00001-of-00002.safetensors"));
        writer(second).write(dir.resolve("model-00002-of-00002.safetensors"));
        JsonObject weightMap = new JsonObject();
        first.forEach(name -> weightMap.addProperty(name, "model-00001-of-00002.safetensors"));
        second.forEach(name -> weightMap.addProperty(name, "model-00002-of-00002.safetensors"));
        JsonObject index = new JsonObject();
        index.add("weight_map", weightMap);
        try {
            Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), index.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private SafetensorsWriter writer(List<String> names) {
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        for (String name : names) {
            Tensor tensor = tensors.get(name);
            writer.add(name, dtype, tensor.shape(), tensor.values());
        }
        return writer;
    }

    /** Element {@code index} of tensor {@code name}: a multiple of 1/16 in [-0.5, 0.5] that varies by tensor. */
    public static float value(String name, int index) {
        int salt = name.hashCode() & 0x7fff;
        return ((index * 7 + salt) % 17 - 8) / 16f;
    }

    public static float[] values(String name, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = value(name, i);
        }
        return values;
    }
}
