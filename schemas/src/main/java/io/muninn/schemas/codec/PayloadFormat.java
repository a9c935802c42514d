package io.muninn.schemas.codec;

/** How a prompts-topic record value was encoded. */
public enum PayloadFormat {
    /** Avro single-object encoding: {@code C3 01}, the writer schema's 8-byte fingerprint, the binary record. */
    AVRO,
    /** A UTF-8 JSON object with the schema's field names (see {@link JsonRecordReader}). */
    JSON
}
