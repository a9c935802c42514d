package io.muninn.model.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.muninn.model.tokenizer.MuninnTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an eval set: JSON Lines, one example per line with {@code prompt}, {@code answer}, {@code difficulty} and
 * the token ids {@code prompt_ids}, {@code answer_ids} (as {@code tools/tiny-model/tasks.py} writes them). The ids
 * are what the model is fed and compared with; with a tokenizer they are also checked against its encoding (for
 * {@code answer_ids}, the answer's ids and the stop token they end with), or derived from it where a line lacks them
 * ({@code answer_ids} = the answer's ids followed by the eos id).
 */
public final class EvalSet {
    private EvalSet() {}

    /** The examples of {@code file}; every line must carry {@code prompt_ids} and {@code answer_ids}. */
    public static List<EvalExample> read(Path file) {
        return read(file, null);
    }

    /**
     * The examples of {@code file}, with ids checked against (or derived from) {@code tokenizer}.
     *
     * @param tokenizer the model's tokenizer; null to take the ids as they are (then they are required)
     * @throws IllegalArgumentException naming the file, the line and the field when a line is malformed or its ids
     *                                  differ from the tokenizer's encoding
     */
    public static List<EvalExample> read(Path file, MuninnTokenizer tokenizer) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read eval set " + file + ": " + e.getMessage(), e);
        }
        List<EvalExample> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                out.add(parse(file, i + 1, lines.get(i), tokenizer));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("eval set " + file + " holds no examples");
        }
        return out;
    }

    private static EvalExample parse(Path file, int line, String text, MuninnTokenizer tokenizer) {
        JsonObject o;
        try {
            o = JsonParser.parseString(text).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw bad(file, line, "is not a JSON object (" + e.getMessage() + ")");
        }
        String prompt = string(file, line, o, "prompt");
        String answer = string(file, line, o, "answer");
        JsonElement d = o.get("difficulty");
        if (d == null || !d.isJsonPrimitive() || !d.getAsJsonPrimitive().isNumber()) {
            throw bad(file, line, "needs an integer field 'difficulty'");
        }
        int[] promptIds = ids(file, line, o, "prompt_ids", tokenizer == null);
        int[] answerIds = ids(file, line, o, "answer_ids", tokenizer == null);
        if (tokenizer != null) {
            promptIds = checked(file, line, "prompt_ids", "prompt", promptIds, tokenizer.encode(prompt));
            answerIds = answerIds == null
                    ? withEos(tokenizer.encode(answer), tokenizer, file, line)
                    : checked(file, line, "answer_ids", "answer", answerIds, answerWithStop(answerIds, tokenizer.encode(answer), tokenizer));
        }
        return new EvalExample(line, prompt, promptIds, answer, answerIds, d.getAsInt());
    }

    private static int[] withEos(int[] ids, MuninnTokenizer tokenizer, Path file, int line) {
        int eos = tokenizer.eosTokenId().orElseThrow(() -> bad(file, line,
                "cannot be checked: the tokenizer names no eos_token to end answer_ids with"));
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = eos;
        return out;
    }

    /** The answer's ids followed by the stop token {@code given} ends with, if it ends with one. */
    private static int[] answerWithStop(int[] given, int[] encoded, MuninnTokenizer tokenizer) {
        if (given.length == 0 || !tokenizer.stopTokenIds().contains(given[given.length - 1])) {
            return encoded;
        }
        int last = given[given.length - 1];
        int[] out = Arrays.copyOf(encoded, encoded.length + 1);
        out[encoded.length] = last;
        return out;
    }

    private static int[] checked(Path file, int line, String field, String what, int[] given, int[] encoded) {
        if (given == null) {
            return encoded;
        }
        if (!Arrays.equals(given, encoded)) {
            throw bad(file, line, String.format(
                    "has %s %s but the model's tokenizer encodes the %s as %s; regenerate the eval set with this "
                            + "model's tokenizer", field, Arrays.toString(given), what, Arrays.toString(encoded)));
        }
        return given;
    }

    private static String string(Path file, int line, JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw bad(file, line, "needs a string field '" + field + "'");
        }
        return e.getAsString();
    }

    private static int[] ids(Path file, int line, JsonObject o, String field, boolean required) {
        JsonElement e = o.get(field);
        if (e == null) {
            if (required) {
                throw bad(file, line, "needs an integer array '" + field + "' (or pass the model's tokenizer to derive it)");
            }
            return null;
        }
        if (!e.isJsonArray()) {
            throw bad(file, line, "has '" + field + "' that is not an array of token ids");
        }
        JsonArray a = e.getAsJsonArray();
        int[] ids = new int[a.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonElement v = a.get(i);
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                throw bad(file, line, "has '" + field + "[" + i + "]' = " + v + ", not a token id");
            }
            ids[i] = v.getAsInt();
        }
        return ids;
    }

    private static IllegalArgumentException bad(Path file, int line, String what) {
        return new IllegalArgumentException(String.format("eval set %s line %s %s", file, line, what));
    }
}
