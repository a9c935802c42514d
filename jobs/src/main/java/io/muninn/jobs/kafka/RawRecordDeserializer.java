package io.muninn.jobs.kafka;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Passes every prompts-topic record on as a {@link RawRecord}; it never fails, so a bad record cannot stop the
 * job. Decoding and validation happen in {@link DecodeRequests}, which can route failures to the rejected topic.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        out.collect(new RawRecord(record.topic(), record.partition(), record.offset(), record.value()));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return RawRecord.TYPE;
    }
}
