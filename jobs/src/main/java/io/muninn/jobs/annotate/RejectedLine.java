package io.muninn.jobs.annotate;

import com.google.gson.Gson;
import com.google.gson.JsonObject;

/** A rejected input record as one JSON line: its id (when known), the field at fault, the reason, the line. */
final class RejectedLine {
    private static final Gson GSON = new com.google.gson.GsonBuilder().disableHtmlEscaping().create();

    private RejectedLine() {}

    static String json(String id, String field, String reason, String line) {
        JsonObject o = new JsonObject();
        o.addProperty("request_id", id);
        o.addProperty("field", field);
        o.addProperty("reason", reason);
        o.addProperty("record", line);
        return GSON.toJson(o);
    }
}
