package io.muninn.jobs.kafka;

import io.muninn.schemas.codec.JsonRecordWriter;
import io.muninn.schemas.codec.SingleObjectEncoding;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an output record to its topic keyed by {@code request_id}, so all records of one request land in one
 * partition, in order. The value is Avro single-object encoded or JSON ({@link OutputFormat}).
 */
public final class KeyedRecordSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final OutputFormat format;
    private final SerializableFunction<T, CharSequence> key;

    public KeyedRecordSerializer(String topic, OutputFormat format, SerializableFunction<T, CharSequence> key) {
        this.topic = topic;
        this.format = format;
        this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        CharSequence k = key.apply(record);
        byte[] keyBytes = k == null ? null : k.toString().getBytes(StandardCharsets.UTF_8);
        byte[] value = format == OutputFormat.JSON
                ? JsonRecordWriter.write(record).getBytes(StandardCharsets.UTF_8)
                : SingleObjectEncoding.encode(record);
        return new ProducerRecord<>(topic, null, timestamp, keyBytes, value);
    }

}
