package io.muninn.model.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.model.checkpoint.Checkpoint;
import io.muninn.model.checkpoint.CheckpointException;
import io.muninn.model.checkpoint.Dtype;
import io.muninn.model.checkpoint.TensorNames;
import io.muninn.model.checkpoint.TensorNames.Stack;
import io.muninn.model.config.ConfigException;
import io.muninn.model.config.ConfigReader;
import io.muninn.model.config.TinyConfigJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class WeightsLoaderTest {
    /** The tiny model's parameters: wte 128 + 4 layers × 592 + adapter 128 + ln_f 8. */
    private static final long TINY_PARAMETERS = 2632;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Dtype.class, names = {"F32", "BF16", "F16"})
    void loadsEveryTensorWithItsShapeAndValues(Dtype dtype) {
        TinyModel model = TinyModel.create().dtype(dtype);

        ModelWeights weights = WeightsLoader.load(model.write(dir));

        assertThat(weights.config()).isEqualTo(ConfigReader.read(dir.resolve("config.json")));
        assertTensor(weights.embedding(), model, TensorNames.EMBEDDING, 16, 8);
        assertTensor(weights.adapter(), model, TensorNames.ADAPTER, 8, 16);
        assertTensor(weights.lnF(), model, TensorNames.LN_F, 8);
        assertThat(weights.prelude()).hasSize(1);
        assertThat(weights.core()).hasSize(2);
        assertThat(weights.coda()).hasSize(1);
        assertLayer(weights.prelude().get(0), model, Stack.PRELUDE, 0);
        assertLayer(weights.core().get(0), model, Stack.CORE, 0);
        assertLayer(weights.core().get(1), model, Stack.CORE, 1);
        assertLayer(weights.coda().get(0), model, Stack.CODA, 0);
        assertThat(weights.ropeTable()).isNull();
    }

    @Test
    void loadsShardsAsASingleFile() {
        ModelWeights single = WeightsLoader.load(TinyModel.create().write(subdir("single")));
        ModelWeights sharded = WeightsLoader.load(TinyModel.create().sharded().dtype(Dtype.BF16).write(subdir("s")));

        assertThat(Files.exists(dir.resolve("s").resolve(Checkpoint.INDEX_FILE))).isTrue();
        assertThat(floats(sharded.embedding())).containsExactly(floats(single.embedding()));
        assertThat(floats(sharded.adapter())).containsExactly(floats(single.adapter()));
        assertThat(floats(sharded.coda().get(0).mlpOut())).containsExactly(floats(single.coda().get(0).mlpOut()));
        assertThat(floats(sharded.lnF())).containsExactly(floats(single.lnF()));
    }

    @Test
    void tiedHeadWithoutLmHeadIsTheEmbeddingItself() {
        ModelWeights weights = WeightsLoader.load(TinyModel.create().write(dir));

        assertThat(weights.lmHead()).isSameAs(weights.embedding());
        assertThat(weights.parameterCount()).isEqualTo(TINY_PARAMETERS);
    }

    @Test
    void tiedHeadWithAnEqualCopyUsesTheEmbedding() {
        TinyModel model = TinyModel.create();
        model.put(TensorNames.LM_HEAD, new long[] {16, 8}, model.tensor(TensorNames.EMBEDDING));

        ModelWeights weights = WeightsLoader.load(model.write(dir));

        assertThat(weights.lmHead()).isSameAs(weights.embedding());
        assertThat(weights.parameterCount()).isEqualTo(TINY_PARAMETERS);
    }

    @Test
    void refusesATiedHeadThatDiffersFromTheEmbedding() {
        TinyModel model = TinyModel.create();
        float[] head = model.tensor(TensorNames.EMBEDDING);
        float embedded = head[2 * 8 + 5];
        head[2 * 8 + 5] = embedded + 0.25f;
        model.put(TensorNames.LM_HEAD, new long[] {16, 8}, head);

        assertThatThrownBy(() -> WeightsLoader.load(model.write(dir)))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("tie_embeddings is true but lm_head.weight differs from transformer.wte.weight at index"
                        + " [2, 5] (" + (embedded + 0.25f) + " vs " + embedded + ")");
    }

    @Test
    void untiedHeadIsLoadedOnItsOwn() {
        TinyModel model = TinyModel.create()
                .config(json -> json.addProperty("tie_embeddings", false))
                .put(TensorNames.LM_HEAD, 16, 8);

        ModelWeights weights = WeightsLoader.load(model.write(dir));

        assertThat(weights.lmHead()).isNotSameAs(weights.embedding());
        assertTensor(weights.lmHead(), model, TensorNames.LM_HEAD, 16, 8);
        assertTensor(weights.embedding(), model, TensorNames.EMBEDDING, 16, 8);
        assertThat(weights.parameterCount()).isEqualTo(TINY_PARAMETERS + 128);
    }

    @Test
    void freqsCisBecomesTheRopeTable() {
        TinyModel model = TinyModel.create().put(TensorNames.FREQS_CIS, 1, 32, 1, 2, 2);

        ModelWeights weights = WeightsLoader.load(model.write(dir));

        assertThat(weights.ropeTable().shape()).containsExactly(32, 2, 2);
        assertThat(floats(weights.ropeTable())).containsExactly(model.tensor(TensorNames.FREQS_CIS));
        float[] position3 = model.tensor(TensorNames.FREQS_CIS);
        assertThat(weights.ropeTable().getFloat(3, 1, 0)).isEqualTo(position3[3 * 4 + 1 * 2]);
        assertThat(weights.ropeTable().getFloat(3, 1, 1)).isEqualTo(position3[3 * 4 + 1 * 2 + 1]);
    }

    @Test
    void splitsQkBiasIntoQueryAndKeyRows() {
        TinyModel model = TinyModel.create();
        float[] qk = model.tensor(TensorNames.layer(Stack.CORE, 1, TensorNames.QK_BIAS));

        LayerWeights layer = WeightsLoader.load(model.write(dir)).core().get(1);

        assertThat(layer.qBias().shape()).containsExactly(8);
        assertThat(layer.kBias().shape()).containsExactly(8);
        assertThat(floats(layer.qBias())).containsExactly(Arrays.copyOfRange(qk, 0, 8));
        assertThat(floats(layer.kBias())).containsExactly(Arrays.copyOfRange(qk, 8, 16));
    }

    @Test
    void withoutQkBiasTheBiasesAreZeros() {
        TinyModel model = TinyModel.create().config(json -> json.addProperty("qk_bias", false));
        for (Stack stack : Stack.values()) {
            for (int layer = 0; layer < 2; layer++) {
                model.remove(TensorNames.layer(stack, layer, TensorNames.QK_BIAS));
            }
        }

        ModelWeights weights = WeightsLoader.load(model.write(dir));

        for (LayerWeights layer : List.of(weights.prelude().get(0), weights.core().get(1), weights.coda().get(0))) {
            assertThat(layer.qBias().shape()).containsExactly(8);
            assertThat(floats(layer.qBias())).containsOnly(0f);
            assertThat(floats(layer.kBias())).containsOnly(0f);
            assertThat(layer.qBias().dataType()).isEqualTo(DataType.FLOAT);
        }
        assertThat(weights.parameterCount()).isEqualTo(TINY_PARAMETERS - 4 * 16);
        assertThat(weights.parameterCount()).isEqualTo(TensorLayout.of(weights.config()).parameterCount());
    }

    @Test
    void sizesTheEmbeddingByPaddedVocabSize() {
        TinyModel model = TinyModel.create().config(json -> json.addProperty("padded_vocab_size", 24));

        assertThatThrownBy(() -> WeightsLoader.load(model.write(dir)))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("tensor transformer.wte.weight has shape [16, 8] but the config needs [24, 8]");

        model.put(TensorNames.EMBEDDING, 24, 8);
        assertThat(WeightsLoader.load(model.write(dir)).embedding().shape()).containsExactly(24, 8);
    }

    /**
     * Checkpoints the loader refuses: the edit to the tiny model, the exception, and its message, in which {@code %s}
     * stands for the checkpoint's folder.
     */
    static Stream<Arguments> refusedCheckpoints() {
        return Stream.of(
                refused("untied head is required", m -> m.config(json -> json.addProperty("tie_embeddings", false)),
                        "checkpoint %s has no tensor lm_head.weight (the config needs shape [16, 8];"
                                + " tie_embeddings is false, so the head is not the embedding)"),
                refused("freqs_cis for another block size", m -> m.put(TensorNames.FREQS_CIS, 1, 64, 1, 2, 2),
                        "tensor freqs_cis has shape [1, 64, 1, 2, 2] but the config needs [1, 32, 1, 2, 2]"),
                refused("qk_bias the config does not use", m -> m.config(json -> json.addProperty("qk_bias", false)),
                        "checkpoint %s has tensors the config does not use:"
                                + " [transformer.coda.0.attn.qk_bias, transformer.core_block.0.attn.qk_bias,"
                                + " transformer.core_block.1.attn.qk_bias, transformer.prelude.0.attn.qk_bias]; check"
                                + " that config.json describes this checkpoint (1 prelude, 2 core, 1 coda layers,"
                                + " qk_bias false)"),
                refused("an extra core layer, showing the first five names",
                        m -> m.config(json -> json.addProperty("n_layers_in_recurrent_block", 1)),
                        "checkpoint %s has tensors the config does not use:"
                                + " [transformer.core_block.1.attn.Wqkv.weight, transformer.core_block.1.attn.proj.weight,"
                                + " transformer.core_block.1.attn.qk_bias, transformer.core_block.1.mlp.fc.weight,"
                                + " transformer.core_block.1.mlp.proj.weight] and 4 more; check that config.json"
                                + " describes this checkpoint (1 prelude, 1 core, 1 coda layers, qk_bias true)"),
                refused("a missing tensor, naming the shape it needs",
                        m -> m.remove(TensorNames.layer(Stack.CORE, 1, TensorNames.MLP_FC)),
                        "checkpoint %s has no tensor transformer.core_block.1.mlp.fc.weight (the config"
                                + " needs shape [24, 8])"),
                refused("a shape mismatch", m -> m.put(TensorNames.ADAPTER, 8, 15),
                        "tensor transformer.adapter.weight has shape [8, 15] but the config needs [8, 16]"),
                refused("a transposed matrix", m -> m.put(TensorNames.layer(Stack.CODA, 0, TensorNames.MLP_PROJ), 12, 8),
                        "tensor transformer.coda.0.mlp.proj.weight has shape [12, 8] but the config needs [8, 12]"),
                // a config problem is reported before the checkpoint is touched
                Arguments.of("a config problem", (UnaryOperator<TinyModel>) m -> m.config(
                        json -> json.addProperty("injection_type", "add")), ConfigException.class,
                        "injection_type must be one of [linear] but was 'add'"));
    }

    private static Arguments refused(String name, UnaryOperator<TinyModel> edit, String message) {
        return Arguments.of(name, edit, CheckpointException.class, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedCheckpoints")
    void refusesACheckpoint(String name, UnaryOperator<TinyModel> edit, Class<? extends Exception> error,
            String message) {
        TinyModel model = edit.apply(TinyModel.create());

        assertThatThrownBy(() -> WeightsLoader.load(model.write(dir)))
                .isInstanceOf(error)
                .hasMessage(message.formatted(dir));
    }

    @Test
    void reportsAMalformedCheckpointFile() throws IOException {
        TinyModel.create().write(dir);
        Path file = dir.resolve(Checkpoint.SINGLE_FILE);
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 6));

        assertThatThrownBy(() -> WeightsLoader.load(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessage(file + ": file is 6 bytes, shorter than the 8-byte header length");
    }

    @Test
    void reportsAMissingConfigFile() {
        TinyConfigJson.assertMissingFile(() -> WeightsLoader.load(dir), dir.resolve("config.json"));
    }

    @Test
    void loadsFromAnOpenCheckpointWithAGivenConfig() throws IOException {
        TinyModel.create().write(dir);

        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            ModelWeights weights = WeightsLoader.load(ConfigReader.read(dir.resolve("config.json")), checkpoint);
            assertThat(weights.embedding().shape()).containsExactly(16, 8);
            assertThat(checkpoint.readFloats(TensorNames.LN_F)).hasSize(8);
        }
    }

    private static void assertLayer(LayerWeights layer, TinyModel model, Stack stack, int index) {
        assertTensor(layer.norm1(), model, TensorNames.layer(stack, index, TensorNames.NORM_1), 8);
        assertTensor(layer.norm2(), model, TensorNames.layer(stack, index, TensorNames.NORM_2), 8);
        assertTensor(layer.norm3(), model, TensorNames.layer(stack, index, TensorNames.NORM_3), 8);
        assertTensor(layer.norm4(), model, TensorNames.layer(stack, index, TensorNames.NORM_4), 8);
        assertTensor(layer.wqkv(), model, TensorNames.layer(stack, index, TensorNames.WQKV), 24, 8);
        assertTensor(layer.attnOut(), model, TensorNames.layer(stack, index, TensorNames.ATTN_PROJ), 8, 8);
        assertTensor(layer.mlpFc(), model, TensorNames.layer(stack, index, TensorNames.MLP_FC), 24, 8);
        assertTensor(layer.mlpOut(), model, TensorNames.layer(stack, index, TensorNames.MLP_PROJ), 8, 12);
        float[] qk = model.tensor(TensorNames.layer(stack, index, TensorNames.QK_BIAS));
        assertThat(floats(layer.qBias())).containsExactly(Arrays.copyOfRange(qk, 0, 8));
        assertThat(floats(layer.kBias())).containsExactly(Arrays.copyOfRange(qk, 8, 16));
    }

    private static void assertTensor(INDArray array, TinyModel model, String name, long... shape) {
        assertThat(array.shape()).as(name).containsExactly(shape);
        assertThat(array.dataType()).as(name).isEqualTo(DataType.FLOAT);
        assertThat(array.ordering()).as(name).isEqualTo('c');
        assertThat(floats(array)).as(name).containsExactly(model.tensor(name));
        if (shape.length == 2) {
            float[] values = model.tensor(name);
            long last = shape[0] - 1;
            assertThat(array.getFloat(last, 1)).as(name + " row-major").isEqualTo(values[(int) (last * shape[1] + 1)]);
        }
    }

    private static float[] floats(INDArray array) {
        return array.data().asFloat();
    }

    private Path subdir(String name) {
        try {
            return Files.createDirectory(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
