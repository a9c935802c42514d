package io.muninn.jobs.annotate;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one input line into a record's fields: a JSON object per line (JSONL), or a CSV row under a header row
 * (RFC 4180 quoting; a field may not span lines). Values keep their text; JSON non-strings keep their JSON text.
 */
public abstract sealed class RecordFormat implements Serializable permits RecordFormat.JsonLines, RecordFormat.Csv {
    private static final long serialVersionUID = 1L;

    /** The record's fields, or an exception naming what is wrong with the line. */
    public abstract Map<String, String> parse(String line);

    /** Whether the line is not a record (a CSV header, a blank line). */
    public abstract boolean skip(String line);

    /** JSON lines: each line one JSON object. */
    public static final class JsonLines extends RecordFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public Map<String, String> parse(String line) {
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

        @Override
        public boolean skip(String line) {
            return line.isBlank();
        }
    }

    /** CSV with a header row naming the columns. */
    public static final class Csv extends RecordFormat {
        private static final long serialVersionUID = 1L;
        private final String headerLine;
        private final List<String> columns;

        public Csv(String headerLine) {
            this.headerLine = headerLine;
            this.columns = split(headerLine);
        }

        public List<String> columns() {
            return columns;
        }

        @Override
        public Map<String, String> parse(String line) {
            List<String> values = split(line);
            if (values.size() != columns.size()) {
                throw new IllegalArgumentException(String.format("CSV row has %s fields but the header has %s %s",
                        values.size(), columns.size(), columns));
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                out.put(columns.get(i), values.get(i));
            }
            return out;
        }

        @Override
        public boolean skip(String line) {
            return line.isBlank() || line.equals(headerLine);
        }

        static List<String> split(String line) {
            List<String> out = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"' && field.length() == 0) {
                    quoted = true;
                } else if (c == ',') {
                    out.add(field.toString());
                    field.setLength(0);
                } else {
                    field.append(c);
                }
            }
            if (quoted) {
                throw new IllegalArgumentException("CSV row has an unclosed quote (fields may not span lines)");
            }
            out.add(field.toString());
            return out;
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
