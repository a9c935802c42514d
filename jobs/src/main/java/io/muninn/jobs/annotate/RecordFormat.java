package io.muninn.jobs.annotate;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the input holds records: a JSON object per line (JSONL; also every Kafka record), or CSV with a header row
 * (read by {@link CsvRecords} with a CSV library: quoted fields, doubled quotes, line breaks inside quoted fields).
 * After the source every record is a JSON object line, which {@link #fields} turns into the record's fields. Values
 * keep their text; JSON non-strings keep their JSON text.
 */
public abstract sealed class RecordFormat implements Serializable permits RecordFormat.JsonLines, RecordFormat.Csv {
    private static final long serialVersionUID = 1L;

    /** JSON lines: each line one JSON object; blank lines are skipped. */
    public static final class JsonLines extends RecordFormat {
        private static final long serialVersionUID = 1L;
    }

    /** CSV files whose first row names the columns (see {@link CsvRecords}). */
    public static final class Csv extends RecordFormat {
        private static final long serialVersionUID = 1L;
    }

    /** The fields of one JSON object line, or an exception naming what is wrong with the line. */
    public static Map<String, String> fields(String line) {
        JsonElement e;
        try {
            e = JsonParser.parseString(line);
        } catch (RuntimeException ex) {
            String why = ex.getMessage() == null ? ex.toString() : ex.getMessage().lines().findFirst().orElse("");
            why = why.replace("com.google.gson.stream.MalformedJsonException: ", "")
                    .replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON ", "malformed JSON ");
            throw new IllegalArgumentException("line is not valid JSON: " + why, ex);
        }
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException("line must be a JSON object but was " + abbreviate(line));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> f : ((JsonObject) e).entrySet()) {
            JsonElement v = f.getValue();
            out.put(f.getKey(), v.isJsonPrimitive() && v.getAsJsonPrimitive().isString() ? v.getAsString()
                    : v.isJsonNull() ? "" : v.toString());
        }
        return out;
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
