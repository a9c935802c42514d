package io.muninn.model.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fields Muninn reads from a model directory's optional {@code tokenizer_config.json} (Hugging Face
 * transformers' format). A token field is either a string or an added-token object with a {@code content}.
 *
 * @param bosToken     {@code bos_token}; {@link Field#absent()} when the key is missing
 * @param eosToken     {@code eos_token}
 * @param padToken     {@code pad_token}
 * @param chatTemplate {@code chat_template} (Jinja source, kept for reference; Muninn renders Huginn's template in
 *                     Java; of a list of named templates, the one named {@code default}), or {@code null}
 * @param addBosToken  {@code add_bos_token}, {@code false} when missing
 */
record TokenizerConfig(Field bosToken, Field eosToken, Field padToken, String chatTemplate, boolean addBosToken) {

    static final String FILE_NAME = "tokenizer_config.json";

    /** A token field: absent (key missing), explicitly {@code null}, or a token string. */
    record Field(boolean present, String token) {
        static Field absent() {
            return new Field(false, null);
        }
    }

    static final TokenizerConfig NONE =
            new TokenizerConfig(Field.absent(), Field.absent(), Field.absent(), null, false);

    /** Reads {@code modelDir/tokenizer_config.json}, or returns {@link #NONE} when there is no such file. */
    static TokenizerConfig read(Path modelDir) {
        Path file = modelDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return NONE;
        }
        JsonObject root;
        try {
            root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new TokenizerException(e, "Cannot read %s: %s", file, e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new TokenizerException(e, "%s is not a JSON object: %s", file, e.getMessage());
        }
        return new TokenizerConfig(
                token(root, "bos_token", file),
                token(root, "eos_token", file),
                token(root, "pad_token", file),
                chatTemplate(root, file),
                addBosToken(root, file));
    }

    private static Field token(JsonObject root, String key, Path file) {
        if (!root.has(key)) {
            return Field.absent();
        }
        JsonElement value = root.get(key);
        if (value.isJsonNull()) {
            return new Field(true, null);
        }
        if (value.isJsonObject() && value.getAsJsonObject().has("content")) {
            value = value.getAsJsonObject().get("content");
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new TokenizerException("%s: %s must be a token string or an object with a content string but"
                    + " was %s", file, key, root.get(key));
        }
        return new Field(true, value.getAsString());
    }

    private static String chatTemplate(JsonObject root, Path file) {
        JsonElement value = root.get("chat_template");
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (value.isJsonArray()) {
            // transformers also allows a list of named templates; keep the one named "default".
            for (JsonElement entry : value.getAsJsonArray()) {
                if (entry.isJsonObject() && "default".equals(string(entry.getAsJsonObject().get("name")))) {
                    return string(entry.getAsJsonObject().get("template"));
                }
            }
            return null;
        }
        String template = string(value);
        if (template == null) {
            throw new TokenizerException("%s: chat_template must be a string but was %s", file, value);
        }
        return template;
    }

    private static String string(JsonElement value) {
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()
                ? value.getAsString()
                : null;
    }

    private static boolean addBosToken(JsonObject root, Path file) {
        JsonElement value = root.get("add_bos_token");
        if (value == null || value.isJsonNull()) {
            return false;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
            throw new TokenizerException("%s: add_bos_token must be true or false but was %s", file, value);
        }
        return value.getAsBoolean();
    }
}
