package io.muninn.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;

/** JSON output of the inspection commands: compact, one object per line, NaN written as null. */
final class Json {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private Json() {}

    static JsonArray array(int[] values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    static JsonArray array(float[] values) {
        JsonArray a = new JsonArray();
        for (float v : values) {
            a.add(Float.isNaN(v) ? JsonNull.INSTANCE : new JsonPrimitive(v));
        }
        return a;
    }

    static JsonArray array(double[] values) {
        JsonArray a = new JsonArray();
        for (double v : values) {
            a.add(Double.isNaN(v) ? JsonNull.INSTANCE : new JsonPrimitive(v));
        }
        return a;
    }
}
