package io.muninn.jobs.annotate;

import java.io.Serializable;

/**
 * One input record as the sources hand it to {@link ToRequests}: a JSON object line (a JSONL line as read, a Kafka
 * record's value, or a CSV record turned into one by {@link CsvRecords}), or a record the source could not read,
 * with the reason and the column at fault. A Flink POJO (public fields, no-argument constructor).
 */
public final class InputRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The record: a JSON object line, or for a bad record its text as read. */
    public String text;
    /** Why the source could not make a record of {@link #text}; null when it could. */
    public String error;
    /** The field or column at fault when {@link #error} is set. */
    public String field;

    public InputRecord() {}

    /** A record (or a line that may be one: {@link ToRequests} parses it). */
    public static InputRecord line(String text) {
        InputRecord r = new InputRecord();
        r.text = text;
        return r;
    }

    /** A record the source rejects: {@code reason} names the problem, {@code field} what is at fault. */
    public static InputRecord rejected(String text, String field, String reason) {
        InputRecord r = line(text);
        r.field = field;
        r.error = reason;
        return r;
    }

    @Override
    public String toString() {
        return error == null ? text : "rejected " + field + ": " + error + " in " + text;
    }
}
