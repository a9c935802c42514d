package io.muninn.jobs.kafka;

/** How output records are written to Kafka: Avro single-object encoding (the default) or JSON text. */
public enum OutputFormat {
    AVRO,
    JSON
}
