package io.muninn.jobs.kafka;

import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/** A prompts-topic record before decoding: where it came from and its value bytes. A Flink POJO ({@link #TYPE}). */
public final class RawRecord {
    public static final TypeInformation<RawRecord> TYPE = Types.POJO(RawRecord.class, Map.of(
            "topic", Types.STRING,
            "partition", Types.INT,
            "offset", Types.LONG,
            "value", Types.PRIMITIVE_ARRAY(Types.BYTE)));

    public String topic;
    public int partition;
    public long offset;
    public byte[] value;

    public RawRecord() {}

    public RawRecord(String topic, int partition, long offset, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.value = value;
    }
}
