package io.muninn.model.config;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;

/**
 * Strict RFC 8259 parsing for the JSON documents of a checkpoint ({@code config.json}, safetensors headers,
 * {@code model.safetensors.index.json}). Gson's default mode accepts unquoted strings, single quotes and
 * {@code NaN}; a checkpoint written by Python's {@code json} module never needs them, so they are refused here
 * rather than silently read as something else. Duplicate keys keep the last value, as Python's {@code json} does.
 */
public final class StrictJson {
    private static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);
    private static final String GSON_LENIENCY_HINT =
            "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON";

    private StrictJson() {}

    /**
     * Parses {@code text} as one JSON object.
     *
     * @throws IllegalArgumentException with a short message (e.g. {@code "syntax error at line 1 column 7 path $.a"}
     *     or {@code "found [1]"}) that callers prefix with the document's name
     */
    public static JsonObject parseObject(String text) {
        JsonElement element = parse(text);
        if (!element.isJsonObject()) {
            throw new IllegalArgumentException("found " + abbreviate(element.toString()));
        }
        return element.getAsJsonObject();
    }

    private static JsonElement parse(String text) {
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            JsonElement element = ELEMENTS.read(reader);
            // In strict mode peeking past the value throws unless only whitespace follows.
            reader.peek();
            return element;
        } catch (IOException e) {
            throw new IllegalArgumentException(describe(e), e);
        }
    }

    private static String describe(IOException e) {
        String message = String.valueOf(e.getMessage());
        int seeAlso = message.indexOf("\nSee ");
        if (seeAlso >= 0) {
            message = message.substring(0, seeAlso);
        }
        return message.replace(GSON_LENIENCY_HINT, "syntax error").replace("End of input", "unexpected end of input");
    }

    /** At most 80 characters of a JSON value, for error messages about large documents. */
    public static String abbreviate(String json) {
        return json.length() <= 80 ? json : json.substring(0, 77) + "...";
    }
}
