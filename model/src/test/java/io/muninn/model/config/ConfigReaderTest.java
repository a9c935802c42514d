package io.muninn.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigReaderTest {
    /** Huginn-0125's config.json as published on the hub, with the token ids the authors' code uses. */
    private static final String HUGINN_RESOURCE = "huginn-0125-config.json";

    @TempDir
    Path dir;

    @Test
    void readsHuginn0125() throws Exception {
        ModelConfig config = ConfigReader.read(resource(HUGINN_RESOURCE));

        assertThat(config).isEqualTo(new ModelConfig("huginn_raven", 5280, 55, 55, 2, 4, 2, 17920, 65536, 4096,
                true, true, 1e-6, 50_000.0, 32, 0.008703882797784892, 72.6636084983398, 65504,
                List.of(65505, 65508), 65509));
        assertThat(config.headDim()).isEqualTo(96);
        assertThat(config.effectiveDepth(32)).isEqualTo(132);
        assertThat(config.embedScale()).isEqualTo(Math.sqrt(5280));
    }

    @Test
    void defaultsMatchTheAuthorsFormulas() {
        JsonObject json = huginn();
        for (String field : List.of("init_values", "rope_base", "num_key_value_heads", "padded_vocab_size")) {
            json.remove(field);
        }

        ModelConfig config = ConfigReader.parse(json.toString());

        assertThat(config)
                .extracting(ModelConfig::initStd, ModelConfig::embedScale, ModelConfig::ropeBase,
                        ModelConfig::numKeyValueHeads, ModelConfig::vocabSize)
                .containsExactly(0.008703882797784892, 72.6636084983398, 50_000.0, 55, 65536);
    }

    @Test
    void readsTheTinyConfig() {
        ModelConfig config = ConfigReader.read(TinyConfigJson.write(dir, TinyConfigJson.create()));

        assertThat(config).isEqualTo(new ModelConfig("huginn_raven", 8, 2, 2, 1, 2, 1, 12, 16, 32, true, true,
                1e-6, 50_000.0, 4, Math.sqrt(2.0 / 40), Math.sqrt(8), 1, List.of(2, 3), 0));
    }

    @Test
    void acceptsTieWordEmbeddingsAndNumAttentionHeads() {
        JsonObject json = TinyConfigJson.create();
        json.remove("tie_embeddings");
        json.addProperty("tie_word_embeddings", false);
        json.remove("n_heads");
        json.addProperty("num_attention_heads", 4);

        ModelConfig config = ConfigReader.parse(json.toString());

        assertThat(config.tieEmbeddings()).isFalse();
        assertThat(config.numHeads()).isEqualTo(4);
        assertThat(config.numKeyValueHeads()).isEqualTo(4);
    }

    @Test
    void acceptsConsistentDerivedFields() {
        JsonObject json = TinyConfigJson.create();
        json.addProperty("n_layers", 4);
        json.addProperty("head_dim", 4);

        assertThat(ConfigReader.parse(json.toString()).headDim()).isEqualTo(4);
    }

    @Test
    void ignoresUnknownFields() {
        JsonObject json = TinyConfigJson.create();
        json.addProperty("sampling_scheme", "poisson-lognormal-filling");
        json.add("something_new", JsonParser.parseString("{\"a\": [1, 2]}"));

        assertThat(ConfigReader.parse(json.toString()))
                .isEqualTo(ConfigReader.parse(TinyConfigJson.create().toString()));
    }

    @Test
    void treatsNullAsAbsent() {
        JsonObject json = TinyConfigJson.create();
        json.add("num_key_value_heads", JsonNull.INSTANCE);
        json.add("padded_vocab_size", JsonNull.INSTANCE);

        ModelConfig config = ConfigReader.parse(json.toString());

        assertThat(config.numKeyValueHeads()).isEqualTo(2);
        assertThat(config.vocabSize()).isEqualTo(16);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "model_type|",
        "n_embd|",
        "n_heads|` (or num_attention_heads)`",
        "n_layers_in_prelude|",
        "n_layers_in_recurrent_block|",
        "n_layers_in_coda|",
        "intermediate_size|",
        "vocab_size|",
        "block_size|",
        "tie_embeddings|` (or tie_word_embeddings)`",
        "qk_bias|",
        "norm_eps|",
        "mean_recurrence|",
        "bos_token_id|",
        "eos_token_id|",
        "pad_token_id|"
    })
    void refusesAMissingRequiredField(String field, String alias) {
        JsonObject json = TinyConfigJson.create();
        json.remove(field);

        assertRefused(json, "config.json is missing required field " + field + (alias == null ? "" : alias));
    }

    @ParameterizedTest(name = "{0} = {1}")
    // a value of the wrong type
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "n_embd|\"8\"|n_embd must be an integer but was \"8\"",
        "n_embd|8.5|n_embd must be an integer but was 8.5",
        "n_embd|1e20|n_embd must be an integer but was 1e20",
        "qk_bias|\"true\"|qk_bias must be a boolean but was \"true\"",
        "tie_embeddings|1|tie_embeddings must be a boolean but was 1",
        "norm_eps|\"1e-6\"|norm_eps must be a number but was \"1e-6\"",
        "model_type|7|model_type must be a string but was 7",
        "injection_type|[\"linear\"]|injection_type must be a string but was [\"linear\"]",
        "init_values|0.02|init_values must be an object but was 0.02",
        "init_values|{\"std\": \"x\"}|init_values.std must be a number but was \"x\"",
        "pad_token_id|{}|pad_token_id must be an integer but was {}"
    })
    // an unsupported architecture: a value of the right type that Muninn does not implement
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "injection_type|\"add\"|injection_type must be one of [linear] but was 'add'",
        "state_init|\"zero\"|state_init must be one of [like-init] but was 'zero'; for a zero initial state run with"
                + " init_scale 0",
        "bias|true|bias must be false but was true: Muninn, like Huginn, has no bias on any Linear layer",
        "norm_class_name|\"LayerNorm\"|norm_class_name must be one of [RMSNorm_llama] but was 'LayerNorm'",
        "mlp_class_name|\"BaseMLP\"|mlp_class_name must be one of [GatedMLP] but was 'BaseMLP'",
        "nonlin_name|\"GELU\"|nonlin_name must be one of [SiLU] but was 'GELU'",
        "block_class_name|\"TransformerPreNormBlock\"|block_class_name must be one of [SandwichBlock] but was"
                + " 'TransformerPreNormBlock'",
        "architecture_class_name|\"GPT\"|architecture_class_name must be one of [RecurrentGPT] but was 'GPT'",
        "test_time_noise|0.1|test_time_noise must be 0 but was 0.1: Muninn injects no noise at inference"
    })
    // a value checked against the other fields, a null for a required field, an alias that disagrees
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "padded_vocab_size|12|padded_vocab_size must be >= vocab_size (16) but was 12",
        "tie_word_embeddings|false|tie_embeddings (true) and tie_word_embeddings (false) disagree",
        "eos_token_id|[]|eos_token_id must be a token id or a non-empty list of token ids but was []",
        "eos_token_id|[2, \"3\"]|eos_token_id[1] must be an integer but was \"3\"",
        "eos_token_id|16|eos_token_id must be in [0, 16) but was 16",
        "n_layers|5|n_layers must equal n_layers_in_prelude + n_layers_in_recurrent_block + n_layers_in_coda"
                + " (4) but was 5",
        "head_dim|8|head_dim must equal n_embd / n_heads (4) but was 8",
        "n_embd|null|config.json is missing required field n_embd"
    })
    void refusesAValue(String field, String value, String message) {
        assertRefused(tinyWith(field, value), message);
    }

    static Stream<Arguments> acceptedValues() {
        return Stream.of(
                // padded_vocab_size is the embedding row count
                Arguments.of("padded_vocab_size", "24", (Function<ModelConfig, Object>) ModelConfig::vocabSize, 24),
                // one eos token id, not a list
                Arguments.of("eos_token_id", "5", (Function<ModelConfig, Object>) ModelConfig::eosTokenIds, List.of(5)),
                // an integral number written with a fraction
                Arguments.of("n_embd", "8.0", (Function<ModelConfig, Object>) ModelConfig::hiddenSize, 8));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("acceptedValues")
    void acceptsAValue(String field, String value, Function<ModelConfig, Object> read, Object expected) {
        assertThat(read.apply(ConfigReader.parse(tinyWith(field, value).toString()))).isEqualTo(expected);
    }

    @Test
    void acceptsHuginnsArchitectureSpelledOut() {
        JsonObject json = TinyConfigJson.create();
        json.addProperty("injection_type", "linear");
        json.addProperty("state_init", "like-init");
        json.addProperty("bias", false);
        json.addProperty("test_time_noise", 0);

        assertThat(ConfigReader.parse(json.toString()))
                .isEqualTo(ConfigReader.parse(TinyConfigJson.create().toString()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"n_embd\": 8,|config.json is not a valid JSON object: unexpected end of input at line 1 column 14 path"
                + " $.n_embd",
        "{\"n_embd\": eight}|config.json is not a valid JSON object: syntax error at line 1 column 12 path"
                + " $.n_embd",
        "{\"norm_eps\": NaN}|config.json is not a valid JSON object: syntax error at line 1 column 14 path"
                + " $.norm_eps",
        "[1, 2]|config.json is not a valid JSON object: found [1,2]"
    })
    void refusesInvalidJson(String text, String message) {
        assertThatThrownBy(() -> ConfigReader.parse(text)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void namesTheFileItRead() throws IOException {
        Path file = dir.resolve("tiny.json");
        JsonObject json = TinyConfigJson.create();
        json.remove("n_embd");
        Files.writeString(file, json.toString());

        assertThatThrownBy(() -> ConfigReader.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tiny.json is missing required field n_embd");
    }

    @Test
    void takesMissingTokenIdsFromGenerationConfig() throws IOException {
        JsonObject json = TinyConfigJson.create();
        json.remove("bos_token_id");
        json.remove("eos_token_id");
        json.addProperty("pad_token_id", 9);
        Path file = TinyConfigJson.write(dir, json);
        Files.writeString(dir.resolve(ConfigReader.GENERATION_FILE_NAME),
                "{\"bos_token_id\": 4, \"eos_token_id\": [5, 6], \"pad_token_id\": 7, \"temperature\": 0.7}");

        ModelConfig config = ConfigReader.read(file);

        assertThat(config.bosTokenId()).isEqualTo(4);
        assertThat(config.eosTokenIds()).containsExactly(5, 6);
        assertThat(config.padTokenId()).isEqualTo(9);
    }

    @Test
    void refusesTokenIdsMissingFromBothFiles() throws IOException {
        JsonObject json = TinyConfigJson.create();
        json.remove("pad_token_id");
        Path file = TinyConfigJson.write(dir, json);
        Files.writeString(dir.resolve(ConfigReader.GENERATION_FILE_NAME), "{\"bos_token_id\": 4}");

        assertThatThrownBy(() -> ConfigReader.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config.json is missing required field pad_token_id");
    }

    @Test
    void refusesAnInvalidGenerationConfig() throws IOException {
        Path file = TinyConfigJson.write(dir, TinyConfigJson.create());
        Files.writeString(dir.resolve(ConfigReader.GENERATION_FILE_NAME), "{");

        assertThatThrownBy(() -> ConfigReader.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage("generation_config.json is not a valid JSON object: unexpected end of input at line 1"
                        + " column 2 path $.");
    }

    @Test
    void reportsAnUnreadableFileWithItsPath() {
        Path missing = dir.resolve("config.json");

        TinyConfigJson.assertMissingFile(() -> ConfigReader.read(missing), missing);
    }

    @ParameterizedTest
    @ValueSource(strings = {"n_embd", "n_layers_in_coda", "block_size", "mean_recurrence"})
    void passesNonPositiveSizesToTheRecordsChecks(String field) {
        JsonObject json = TinyConfigJson.create();
        json.addProperty(field, 0);

        assertRefused(json, field + " must be > 0 but was 0");
    }

    /** The tiny config with one field set to a JSON value. */
    private static JsonObject tinyWith(String field, String jsonValue) {
        JsonObject json = TinyConfigJson.create();
        json.add(field, JsonParser.parseString(jsonValue));
        return json;
    }

    private static void assertRefused(JsonObject json, String message) {
        assertThatThrownBy(() -> ConfigReader.parse(json.toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    private static JsonObject huginn() {
        try (InputStream in = ConfigReaderTest.class.getResourceAsStream(HUGINN_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + HUGINN_RESOURCE);
            }
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(ConfigReaderTest.class.getResource(name).toURI());
    }
}
