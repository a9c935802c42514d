package io.muninn.model.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * The {@code config.json} of the tiny test model: n_embd 8, 2 heads of 4, layers 1 / 2 / 1, intermediate 12,
 * vocabulary 16, 32 positions, tied head, qk bias. Tests edit the returned object to build each fault.
 */
public final class TinyConfigJson {
    public static final int HIDDEN = 8;
    public static final int HEADS = 2;
    public static final int HEAD_DIM = 4;
    public static final int PRELUDE = 1;
    public static final int CORE = 2;
    public static final int CODA = 1;
    public static final int INTERMEDIATE = 12;
    public static final int VOCAB = 16;
    public static final int BLOCK = 32;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private TinyConfigJson() {}

    /** A fresh, valid tiny config. */
    public static JsonObject create() {
        JsonObject json = new JsonObject();
        json.addProperty("model_type", "huginn_raven");
        json.addProperty("n_embd", HIDDEN);
        json.addProperty("n_heads", HEADS);
        json.addProperty("n_layers_in_prelude", PRELUDE);
        json.addProperty("n_layers_in_recurrent_block", CORE);
        json.addProperty("n_layers_in_coda", CODA);
        json.addProperty("intermediate_size", INTERMEDIATE);
        json.addProperty("vocab_size", VOCAB);
        json.addProperty("block_size", BLOCK);
        json.addProperty("tie_embeddings", true);
        json.addProperty("qk_bias", true);
        json.addProperty("norm_eps", 1e-6);
        json.addProperty("mean_recurrence", 4);
        json.addProperty("bos_token_id", 1);
        JsonArray eos = new JsonArray();
        eos.add(2);
        eos.add(3);
        json.add("eos_token_id", eos);
        json.addProperty("pad_token_id", 0);
        return json;
    }

    public static String toText(JsonObject json) {
        return GSON.toJson(json);
    }

    /** Writes {@code json} as {@code dir/config.json} and returns that path. */
    public static Path write(Path dir, JsonObject json) {
        Path file = dir.resolve(ConfigReader.FILE_NAME);
        try {
            Files.writeString(file, toText(json), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Asserts that {@code read} fails as reading a missing {@code file} does: an unchecked error naming the path. */
    public static void assertMissingFile(ThrowingCallable read, Path file) {
        assertThatThrownBy(read)
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot read " + file + ": java.nio.file.NoSuchFileException: " + file);
    }
}
