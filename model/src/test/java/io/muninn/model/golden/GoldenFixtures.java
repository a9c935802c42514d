package io.muninn.model.golden;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the fixtures that tools/reference/make_golden.py wrote (see the README beside them). */
final class GoldenFixtures {
    static final Path ROOT = Path.of("src/test/resources/golden");

    private GoldenFixtures() {}

    static JsonObject read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("golden fixture " + file.toAbsolutePath()
                    + " is missing; regenerate it with /usr/bin/python3 tools/reference/make_golden.py");
        }
        try {
            return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonObject> objects(JsonArray array) {
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : array) {
            out.add(e.getAsJsonObject());
        }
        return out;
    }

    static int[] ints(JsonArray array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsInt();
        }
        return out;
    }

    /** Doubles with JSON null read as NaN. */
    static double[] doubles(JsonArray array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).isJsonNull() ? Double.NaN : array.get(i).getAsDouble();
        }
        return out;
    }
}
