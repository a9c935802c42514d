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

import io.muninn.model.checkpoint.Checkpoint;
import io.muninn.model.checkpoint.CheckpointException;
import io.muninn.model.checkpoint.TensorNames;
import io.muninn.model.checkpoint.TensorNames.Stack;
import io.muninn.model.config.ConfigReader;
import io.muninn.model.config.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Loads a model directory ({@code config.json} + safetensors checkpoint) into FP32 {@link ModelWeights}.
 *
 * <p>Before reading any data it checks the checkpoint against the config's {@link TensorLayout}: every required
 * tensor is present (else the message names the key and the shape the config needs), no tensor is left unused
 * (an unused tensor means the config does not describe this checkpoint, e.g. fewer core layers), and every shape
 * matches exactly. Then each tensor is widened to float and copied into a row-major {@link DataType#FLOAT}
 * {@link INDArray}.
 *
 * <p>Head: without {@code lm_head.weight} a tied model's head is the embedding instance itself. With both present
 * and {@code tie_embeddings} true, the two must be equal element for element (Hugging Face stores Huginn's tied
 * embedding twice) and the embedding is used. With {@code tie_embeddings} false, {@code lm_head.weight} is
 * required and loaded on its own.
 *
 * <p>{@code attn.qk_bias} (2, 1, n_heads, head_dim) becomes {@code qBias} = row 0 and {@code kBias} = row 1, each
 * (H) head-major; without {@code qk_bias} in the config both are zeros. {@code freqs_cis} (1, block_size, 1,
 * head_dim/2, 2), when present, becomes {@code ropeTable} (block_size, head_dim/2, 2); otherwise it is null.
 *
 * <p>Peak heap use is about two of the largest tensors as float arrays (the embedding and its stored copy).
 */
public final class WeightsLoader {
    private static final int UNUSED_NAMES_SHOWN = 5;

    private WeightsLoader() {}

    /**
     * Reads {@code modelDir/config.json} with {@link ConfigReader} and loads the checkpoint beside it.
     *
     * @throws io.muninn.model.config.ConfigException for a config Muninn cannot run
     * @throws CheckpointException                   for a malformed checkpoint or one that does not fit the config
     * @throws UncheckedIOException                  when a file cannot be read
     */
    public static ModelWeights load(Path modelDir) {
        ModelConfig config = ConfigReader.read(modelDir.resolve(ConfigReader.FILE_NAME));
        try (Checkpoint checkpoint = Checkpoint.open(modelDir)) {
            return load(config, checkpoint);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint in " + modelDir + ": " + e, e);
        }
    }

    /** Loads {@code checkpoint} as the model {@code config} describes; the caller closes the checkpoint. */
    public static ModelWeights load(ModelConfig config, Checkpoint checkpoint) {
        TensorLayout layout = TensorLayout.of(config);
        checkNames(config, layout, checkpoint);
        checkShapes(layout, checkpoint);
        try {
            return read(config, layout, checkpoint);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint in " + checkpoint.directory() + ": " + e, e);
        }
    }

    private static void checkNames(ModelConfig config, TensorLayout layout, Checkpoint checkpoint) {
        for (String name : layout.requiredNames()) {
            if (!checkpoint.contains(name)) {
                String why = name.equals(LM_HEAD) ? "; tie_embeddings is false, so the head is not the embedding"
                        : "";
                throw new CheckpointException("checkpoint %s has no tensor %s (the config needs shape %s%s)",
                        checkpoint.directory(), name, Arrays.toString(layout.shape(name)), why);
            }
        }
        List<String> unused = new ArrayList<>();
        for (String name : checkpoint.names()) {
            if (!layout.contains(name)) {
                unused.add(name);
            }
        }
        if (!unused.isEmpty()) {
            String shown = unused.size() <= UNUSED_NAMES_SHOWN ? unused.toString()
                    : unused.subList(0, UNUSED_NAMES_SHOWN) + " and " + (unused.size() - UNUSED_NAMES_SHOWN) + " more";
            throw new CheckpointException("checkpoint %s has tensors the config does not use: %s; check that"
                    + " config.json describes this checkpoint (%s prelude, %s core, %s coda layers, qk_bias %s)",
                    checkpoint.directory(), shown, config.preludeLayers(), config.coreLayers(), config.codaLayers(),
                    config.qkBias());
        }
    }

    private static void checkShapes(TensorLayout layout, Checkpoint checkpoint) {
        for (String name : layout.names()) {
            if (!checkpoint.contains(name)) {
                continue;
            }
            long[] found = checkpoint.tensor(name).shape();
            long[] needed = layout.shape(name);
            if (!Arrays.equals(found, needed)) {
                throw new CheckpointException("tensor %s has shape %s but the config needs %s",
                        name, Arrays.toString(found), Arrays.toString(needed));
            }
        }
    }

    private static ModelWeights read(ModelConfig config, TensorLayout layout, Checkpoint checkpoint)
            throws IOException {
        long h = config.hiddenSize();
        INDArray embedding;
        INDArray lmHead;
        if (!checkpoint.contains(LM_HEAD)) {
            embedding = tensor(checkpoint, layout, EMBEDDING);
            lmHead = embedding;
        } else if (config.tieEmbeddings()) {
            embedding = array(tiedEmbedding(checkpoint, h), layout.shape(EMBEDDING));
            lmHead = embedding;
        } else {
            embedding = tensor(checkpoint, layout, EMBEDDING);
            lmHead = tensor(checkpoint, layout, LM_HEAD);
        }
        List<LayerWeights> prelude = stack(config, layout, checkpoint, Stack.PRELUDE, config.preludeLayers());
        INDArray adapter = tensor(checkpoint, layout, ADAPTER);
        List<LayerWeights> core = stack(config, layout, checkpoint, Stack.CORE, config.coreLayers());
        List<LayerWeights> coda = stack(config, layout, checkpoint, Stack.CODA, config.codaLayers());
        INDArray lnF = tensor(checkpoint, layout, LN_F);
        INDArray ropeTable = null;
        if (checkpoint.contains(FREQS_CIS)) {
            ropeTable = array(checkpoint.readFloats(FREQS_CIS), config.blockSize(), config.headDim() / 2, 2);
        }
        return new ModelWeights(config, embedding, lmHead, prelude, core, coda, adapter, lnF, ropeTable);
    }

    private static List<LayerWeights> stack(ModelConfig config, TensorLayout layout, Checkpoint checkpoint,
            Stack stack, int layers) throws IOException {
        List<LayerWeights> weights = new ArrayList<>(layers);
        for (int layer = 0; layer < layers; layer++) {
            weights.add(layer(config, layout, checkpoint, stack, layer));
        }
        return weights;
    }

    private static LayerWeights layer(ModelConfig config, TensorLayout layout, Checkpoint checkpoint, Stack stack,
            int layer) throws IOException {
        int h = config.hiddenSize();
        INDArray qBias;
        INDArray kBias;
        if (config.qkBias()) {
            float[] qk = checkpoint.readFloats(TensorNames.layer(stack, layer, QK_BIAS));
            qBias = array(Arrays.copyOfRange(qk, 0, h), h);
            kBias = array(Arrays.copyOfRange(qk, h, 2 * h), h);
        } else {
            qBias = Nd4j.zeros(DataType.FLOAT, h);
            kBias = Nd4j.zeros(DataType.FLOAT, h);
        }
        return new LayerWeights(
                tensor(checkpoint, layout, TensorNames.layer(stack, layer, NORM_1)),
                tensor(checkpoint, layout, TensorNames.layer(stack, layer, NORM_2)),
                tensor(checkpoint, layout, TensorNames.layer(stack, layer, NORM_3)),
                tensor(checkpoint, layout, TensorNames.layer(stack, layer, NORM_4)),
                qBias,
                kBias,
                tensor(checkpoint, layout, TensorNames.layer(stack, layer, WQKV)),
                tensor(checkpoint, layout, TensorNames.layer(stack, layer, ATTN_PROJ)),
                tensor(checkpoint, layout, TensorNames.layer(stack, layer, MLP_FC)),
                tensor(checkpoint, layout, TensorNames.layer(stack, layer, MLP_PROJ)));
    }

    /**
     * The embedding of a tied model that also stores the head, after checking that the two copies are bitwise
     * equal; the message names the first differing element.
     */
    private static float[] tiedEmbedding(Checkpoint checkpoint, long columns) throws IOException {
        float[] head = checkpoint.readFloats(LM_HEAD);
        float[] embedding = checkpoint.readFloats(EMBEDDING);
        for (int i = 0; i < embedding.length; i++) {
            if (Float.floatToIntBits(embedding[i]) != Float.floatToIntBits(head[i])) {
                throw new CheckpointException("tie_embeddings is true but %s differs from %s at index [%s, %s] (%s vs"
                        + " %s)", LM_HEAD, EMBEDDING, i / columns, i % columns, head[i], embedding[i]);
            }
        }
        return embedding;
    }

    /** The tensor {@code name} with the shape the layout gives it (vectors stay rank 1). */
    private static INDArray tensor(Checkpoint checkpoint, TensorLayout layout, String name) throws IOException {
        return array(checkpoint.readFloats(name), layout.shape(name));
    }

    private static INDArray array(float[] values, long... shape) {
        return Nd4j.create(values, shape, Nd4j.getStrides(shape, 'c'), 'c', DataType.FLOAT);
    }
}
