package io.muninn.model.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A model directory's {@code tokenizer.json}: its text, for the Hugging Face library, and the vocabulary read from
 * it ({@code model.vocab} plus {@code added_tokens}). Only byte-level BPE is accepted (model {@code BPE}, decoder
 * {@code ByteLevel}), because Muninn maps tokens to bytes to stream text.
 *
 * @param text       the file as read
 * @param vocabulary its tokens by id
 */
record TokenizerJson(String text, Vocabulary vocabulary) {

    static final String FILE_NAME = "tokenizer.json";
    /** Far above any real vocabulary; bounds the id table a malformed file could make Muninn allocate. */
    static final int MAX_ID = (1 << 24) - 1;

    static TokenizerJson read(Path modelDir) {
        Path file = modelDir.resolve(FILE_NAME);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TokenizerException(e, "No %s at %s: a model directory needs the tokenizer.json of its"
                    + " Hugging Face repository", FILE_NAME, file);
        } catch (IOException e) {
            throw new TokenizerException(e, "Cannot read %s: %s", file, e);
        }
        JsonObject root;
        try {
            root = JsonParser.parseString(text).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new TokenizerException(e, "%s is not a JSON object: %s", file, e.getMessage());
        }
        return new TokenizerJson(text, vocabulary(root, file));
    }

    private static Vocabulary vocabulary(JsonObject root, Path file) {
        JsonObject model = object(root, "model", file);
        String modelType = optionalString(model, "type", file);
        if (modelType != null && !modelType.equals("BPE")) {
            throw new TokenizerException("%s: model.type must be BPE (byte-level BPE) but was %s", file, modelType);
        }
        JsonObject decoder = object(root, "decoder", file);
        String decoderType = optionalString(decoder, "type", file);
        if (!"ByteLevel".equals(decoderType)) {
            throw new TokenizerException("%s: decoder.type must be ByteLevel but was %s; Muninn streams text by"
                    + " mapping byte-level BPE tokens back to bytes", file, decoderType);
        }

        Map<Integer, String> byId = new HashMap<>();
        Map<String, Integer> ids = new HashMap<>();
        for (Map.Entry<String, JsonElement> entry : object(model, "vocab", file).entrySet()) {
            int id = id(entry.getValue(), "model.vocab[" + entry.getKey() + "]", file);
            String previous = byId.put(id, entry.getKey());
            if (previous != null) {
                throw new TokenizerException("%s: model.vocab gives id %s to both %s and %s",
                        file, id, previous, entry.getKey());
            }
            ids.put(entry.getKey(), id);
        }
        Map<Integer, Boolean> specialById = new HashMap<>();
        JsonElement added = root.get("added_tokens");
        if (added != null && !added.isJsonNull()) {
            if (!added.isJsonArray()) {
                throw new TokenizerException("%s: added_tokens must be an array but was %s", file, added);
            }
            JsonArray array = added.getAsJsonArray();
            for (int i = 0; i < array.size(); i++) {
                String where = "added_tokens[" + i + "]";
                if (!array.get(i).isJsonObject()) {
                    throw new TokenizerException("%s: %s must be an object but was %s", file, where, array.get(i));
                }
                JsonObject token = array.get(i).getAsJsonObject();
                int id = id(token.get("id"), where + ".id", file);
                String content = optionalString(token, "content", file);
                if (content == null) {
                    throw new TokenizerException("%s: %s has no content", file, where);
                }
                // An added token may repeat a model token at the same id; it wins the spelling for its id.
                byId.put(id, content);
                ids.put(content, id);
                JsonElement special = token.get("special");
                specialById.put(id, special != null && special.isJsonPrimitive() && special.getAsBoolean());
            }
        }
        if (byId.isEmpty()) {
            throw new TokenizerException("%s has an empty vocabulary", file);
        }

        int size = byId.keySet().stream().mapToInt(Integer::intValue).max().getAsInt() + 1;
        String[] tokens = new String[size];
        boolean[] special = new boolean[size];
        byId.forEach((id, token) -> tokens[id] = token);
        specialById.forEach((id, isSpecial) -> special[id] = isSpecial);
        return new Vocabulary(file, tokens, special, ids);
    }

    private static int id(JsonElement value, String where, Path file) {
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw new TokenizerException("%s: %s must be a token id but was %s", file, where, value);
        }
        long id = value.getAsLong();
        if (id < 0 || id != value.getAsDouble() || id > MAX_ID) {
            throw new TokenizerException("%s: %s must be a token id in [0, %s] but was %s",
                    file, where, MAX_ID, value);
        }
        return (int) id;
    }

    private static JsonObject object(JsonObject parent, String key, Path file) {
        JsonElement value = parent.get(key);
        if (value == null || !value.isJsonObject()) {
            throw new TokenizerException("%s: %s must be an object but was %s", file, key, value);
        }
        return value.getAsJsonObject();
    }

    private static String optionalString(JsonObject parent, String key, Path file) {
        JsonElement value = parent.get(key);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new TokenizerException("%s: %s must be a string but was %s", file, key, value);
        }
        return value.getAsString();
    }
}
