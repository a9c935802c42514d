package io.muninn.model.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a checkpoint's {@code config.json} (Huginn's field names) into a {@link ModelConfig}.
 *
 * <p>Required fields (a {@link ConfigException} {@code "config.json is missing required field n_embd"} when
 * absent or {@code null}): {@code model_type}, {@code n_embd}, {@code n_heads} (or {@code num_attention_heads}),
 * {@code n_layers_in_prelude}, {@code n_layers_in_recurrent_block}, {@code n_layers_in_coda},
 * {@code intermediate_size}, {@code vocab_size}, {@code block_size}, {@code tie_embeddings} (or
 * {@code tie_word_embeddings}), {@code qk_bias}, {@code norm_eps}, {@code mean_recurrence}, {@code bos_token_id},
 * {@code eos_token_id} (one id or a list) and {@code pad_token_id}. {@link #read} takes token ids that
 * {@code config.json} lacks from a {@code generation_config.json} beside it, as Hugging Face does.
 *
 * <p>Defaults: {@code num_key_value_heads} = {@code n_heads}; {@code padded_vocab_size} = {@code vocab_size} (when
 * present it is the embedding's row count and must be at least {@code vocab_size}); {@code rope_base} = 50000;
 * {@code init_values.std} = sqrt(2 / (5 n_embd)); {@code init_values.embed_scale} = sqrt(n_embd).
 *
 * <p>Checked for consistency when present: {@code n_layers} (the sum of the three layer counts) and
 * {@code head_dim} ({@code n_embd / n_heads}).
 *
 * <p>Refused, because the engine implements only Huginn's architecture, each with a message naming the field,
 * the accepted values and the value found: {@code injection_type} other than {@code linear}; {@code bias} true;
 * {@code state_init} other than {@code like-init} (the reference draws every initial state like-init, whatever
 * the config says; a zero state is the run-time option {@code init_scale = 0}); {@code norm_class_name} other
 * than {@code RMSNorm_llama}; {@code mlp_class_name} other than {@code GatedMLP}; {@code nonlin_name} other than
 * {@code SiLU}; {@code block_class_name} other than {@code SandwichBlock}; {@code architecture_class_name} other
 * than {@code RecurrentGPT}; {@code test_time_noise} other than 0. When these fields are absent, Huginn's value
 * is meant, as in the authors' {@code RavenConfig}. Unknown fields are ignored.
 */
public final class ConfigReader {
    /** The file a checkpoint directory keeps its blueprint in. */
    public static final String FILE_NAME = "config.json";
    /** Hugging Face's generation defaults beside it; consulted only for token ids {@code config.json} lacks. */
    public static final String GENERATION_FILE_NAME = "generation_config.json";
    /** {@code rope_base} when absent: the authors' {@code RavenConfig} default. */
    public static final double DEFAULT_ROPE_BASE = 50_000.0;

    private ConfigReader() {}

    /**
     * Reads {@code configJson} (and, for missing token ids, {@code generation_config.json} in the same folder).
     *
     * @throws ConfigException      for a value Muninn cannot run, naming the field
     * @throws UncheckedIOException when a file cannot be read, naming its path
     */
    public static ModelConfig read(Path configJson) {
        JsonFields config = fields(readText(configJson), String.valueOf(configJson.getFileName()));
        Path generationJson = configJson.resolveSibling(GENERATION_FILE_NAME);
        JsonFields generation =
                Files.isRegularFile(generationJson) ? fields(readText(generationJson), GENERATION_FILE_NAME) : null;
        return build(config, generation);
    }

    /** Parses the text of a {@code config.json}; every token id must be in it. */
    public static ModelConfig parse(String configJson) {
        return build(fields(configJson, FILE_NAME), null);
    }

    private static ModelConfig build(JsonFields f, JsonFields generation) {
        refuseUnsupported(f);
        int hidden = f.integer("n_embd");
        int heads = f.integer("n_heads", "num_attention_heads");
        int prelude = f.integer("n_layers_in_prelude");
        int core = f.integer("n_layers_in_recurrent_block");
        int coda = f.integer("n_layers_in_coda");
        int vocab = f.integer("vocab_size");
        int embeddingRows = f.integerOr("padded_vocab_size", vocab);
        if (embeddingRows < vocab) {
            throw new ConfigException("padded_vocab_size must be >= vocab_size (%s) but was %s", vocab, embeddingRows);
        }
        JsonFields init = f.objectOrEmpty("init_values");
        ModelConfig config = new ModelConfig(
                f.string("model_type"),
                hidden,
                heads,
                f.integerOr("num_key_value_heads", heads),
                prelude,
                core,
                coda,
                f.integer("intermediate_size"),
                embeddingRows,
                f.integer("block_size"),
                f.bool("tie_embeddings", "tie_word_embeddings"),
                f.bool("qk_bias"),
                f.number("norm_eps"),
                f.numberOr("rope_base", DEFAULT_ROPE_BASE),
                f.integer("mean_recurrence"),
                init.numberOr("std", Math.sqrt(2.0 / (5.0 * hidden))),
                init.numberOr("embed_scale", Math.sqrt(hidden)),
                tokenFields(f, generation, "bos_token_id").integer("bos_token_id"),
                tokenFields(f, generation, "eos_token_id").integerOrList("eos_token_id"),
                tokenFields(f, generation, "pad_token_id").integer("pad_token_id"));
        checkDerived(f, config);
        return config;
    }

    private static void refuseUnsupported(JsonFields f) {
        oneOf(f, "injection_type", "linear");
        if (f.has("state_init") && !f.string("state_init").equals("like-init")) {
            throw new ConfigException(
                    "state_init must be one of [like-init] but was '%s'; for a zero initial state run with"
                            + " init_scale 0", f.string("state_init"));
        }
        if (f.boolOr("bias", false)) {
            throw new ConfigException(
                    "bias must be false but was true: Muninn, like Huginn, has no bias on any Linear layer");
        }
        oneOf(f, "norm_class_name", "RMSNorm_llama");
        oneOf(f, "mlp_class_name", "GatedMLP");
        oneOf(f, "nonlin_name", "SiLU");
        oneOf(f, "block_class_name", "SandwichBlock");
        oneOf(f, "architecture_class_name", "RecurrentGPT");
        double noise = f.numberOr("test_time_noise", 0.0);
        if (noise != 0.0) {
            throw new ConfigException(
                    "test_time_noise must be 0 but was %s: Muninn injects no noise at inference", noise);
        }
    }

    private static void oneOf(JsonFields f, String field, String accepted) {
        if (f.has(field) && !f.string(field).equals(accepted)) {
            throw new ConfigException("%s must be one of [%s] but was '%s'", field, accepted, f.string(field));
        }
    }

    private static void checkDerived(JsonFields f, ModelConfig config) {
        int layers = config.preludeLayers() + config.coreLayers() + config.codaLayers();
        if (f.has("n_layers") && f.integer("n_layers") != layers) {
            throw new ConfigException(
                    "n_layers must equal n_layers_in_prelude + n_layers_in_recurrent_block + n_layers_in_coda (%s)"
                            + " but was %s", layers, f.integer("n_layers"));
        }
        if (f.has("head_dim") && f.integer("head_dim") != config.headDim()) {
            throw new ConfigException(
                    "head_dim must equal n_embd / n_heads (%s) but was %s", config.headDim(), f.integer("head_dim"));
        }
    }

    /** The config's own fields, unless it lacks {@code field} and the generation config has it. */
    private static JsonFields tokenFields(JsonFields config, JsonFields generation, String field) {
        return !config.has(field) && generation != null && generation.has(field) ? generation : config;
    }

    private static JsonFields fields(String text, String document) {
        try {
            return JsonFields.of(StrictJson.parseObject(text), document);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("%s is not a valid JSON object: %s", document, e.getMessage());
        }
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e, e);
        }
    }
}
