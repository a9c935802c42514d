package io.muninn.model.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed access to the fields of one JSON object of a config file. A field whose value is JSON {@code null} counts
 * as absent (Hugging Face writes {@code null} for unset ids). Every failure is a {@link ConfigException} naming the
 * field (dotted for nested objects, e.g. {@code init_values.std}) and the JSON value found.
 */
record JsonFields(JsonObject json, String document, String prefix) {

    /** The top-level object of {@code document} (a file name such as {@code config.json}, used in messages). */
    static JsonFields of(JsonObject json, String document) {
        return new JsonFields(json, document, "");
    }

    boolean has(String field) {
        JsonElement value = json.get(field);
        return value != null && !value.isJsonNull();
    }

    /**
     * The name under which a field is present: {@code field} or its {@code alias}. When both are present they
     * must hold the same value.
     */
    String presentName(String field, String alias) {
        if (has(field) && has(alias) && !json.get(field).equals(json.get(alias))) {
            throw new ConfigException(
                    "%s (%s) and %s (%s) disagree", name(field), json.get(field), name(alias), json.get(alias));
        }
        if (has(field) || !has(alias)) {
            return field;
        }
        return alias;
    }

    /** Refuses an absent field; {@code alsoAccepted} names an alias for the message, or is empty. */
    JsonElement required(String field, String alsoAccepted) {
        if (!has(field)) {
            String alternative = alsoAccepted.isEmpty() ? "" : " (or " + name(alsoAccepted) + ")";
            throw new ConfigException("%s is missing required field %s%s", document, name(field), alternative);
        }
        return json.get(field);
    }

    int integer(String field) {
        return toInt(field, required(field, ""));
    }

    /** A required integer stored under {@code field} or its {@code alias}. */
    int integer(String field, String alias) {
        String present = presentName(field, alias);
        return toInt(present, required(present, alias));
    }

    int integerOr(String field, int fallback) {
        return has(field) ? integer(field) : fallback;
    }

    boolean bool(String field) {
        JsonElement value = required(field, "");
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
            throw new ConfigException("%s must be a boolean but was %s", name(field), abbreviate(value));
        }
        return value.getAsBoolean();
    }

    /** A required boolean stored under {@code field} or its {@code alias}. */
    boolean bool(String field, String alias) {
        String present = presentName(field, alias);
        required(present, alias);
        return bool(present);
    }

    boolean boolOr(String field, boolean fallback) {
        return has(field) ? bool(field) : fallback;
    }

    double number(String field) {
        JsonElement value = required(field, "");
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw new ConfigException("%s must be a number but was %s", name(field), abbreviate(value));
        }
        return value.getAsDouble();
    }

    double numberOr(String field, double fallback) {
        return has(field) ? number(field) : fallback;
    }

    String string(String field) {
        JsonElement value = required(field, "");
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new ConfigException("%s must be a string but was %s", name(field), abbreviate(value));
        }
        return value.getAsString();
    }

    /** A nested object as fields named {@code field.*}; an absent field reads as an empty object. */
    JsonFields objectOrEmpty(String field) {
        if (!has(field)) {
            return new JsonFields(new JsonObject(), document, name(field) + ".");
        }
        JsonElement value = json.get(field);
        if (!value.isJsonObject()) {
            throw new ConfigException("%s must be an object but was %s", name(field), abbreviate(value));
        }
        return new JsonFields(value.getAsJsonObject(), document, name(field) + ".");
    }

    /** One integer, or a non-empty list of integers (as {@code eos_token_id}). */
    List<Integer> integerOrList(String field) {
        JsonElement value = required(field, "");
        if (!value.isJsonArray()) {
            return List.of(toInt(field, value));
        }
        JsonArray array = value.getAsJsonArray();
        if (array.isEmpty()) {
            throw new ConfigException(
                    "%s must be a token id or a non-empty list of token ids but was []", name(field));
        }
        List<Integer> ids = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            ids.add(toInt(field + "[" + i + "]", array.get(i)));
        }
        return ids;
    }

    private int toInt(String field, JsonElement value) {
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            try {
                return new BigDecimal(((JsonPrimitive) value).getAsString()).intValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                // falls through to the message below: a fraction or a value beyond the int range
            }
        }
        throw new ConfigException("%s must be an integer but was %s", name(field), abbreviate(value));
    }

    private String name(String field) {
        return prefix + field;
    }

    private static String abbreviate(JsonElement value) {
        return StrictJson.abbreviate(value.toString());
    }
}
