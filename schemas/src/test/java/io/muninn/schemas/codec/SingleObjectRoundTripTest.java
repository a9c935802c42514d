package io.muninn.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Fixtures;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SingleObjectRoundTripTest {

    static Stream<SpecificRecordBase> records() {
        return Stream.of(Fixtures.fullRequest(), Fixtures.textRequest("r2", "Once upon a time"),
                Fixtures.tokenRequest("r3", List.of(65504, 1, 2, 3)), Fixtures.tokenEvent(), Fixtures.completion(),
                Fixtures.rejectedRecord());
    }

    @ParameterizedTest
    @MethodSource("records")
    <T extends SpecificRecord> void readerReturnsWhatWasWritten(T record) throws Exception {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        byte[] bytes = SingleObjectEncoding.encode(record);

        T read = new SingleObjectReader<>(type, List.of()).read(bytes);

        assertThat(read).isEqualTo(record);
    }

    @ParameterizedTest
    @MethodSource("records")
    void headerIsTheMarkerAndTheSchemaFingerprint(SpecificRecordBase record) {
        byte[] bytes = SingleObjectEncoding.encode(record);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(SingleObjectEncoding.fingerprintOf(bytes))
                .isEqualTo(SchemaNormalization.parsingFingerprint64(record.getSchema()));
    }

    /** Interoperability: we write what Avro's generated encoders write, and they read what we write. */
    @ParameterizedTest
    @MethodSource("records")
    void bytesMatchAvrosGeneratedCode(SpecificRecordBase record) throws Exception {
        ByteBuffer avro = (ByteBuffer) record.getClass().getMethod("toByteBuffer").invoke(record);
        byte[] expected = new byte[avro.remaining()];
        avro.get(expected);
        byte[] ours = SingleObjectEncoding.encode(record);

        Object decodedByAvro = record.getClass().getMethod("fromByteBuffer", ByteBuffer.class)
                .invoke(null, ByteBuffer.wrap(ours));

        assertThat(ours).isEqualTo(expected);
        assertThat(decodedByAvro).isEqualTo(record);
    }
}
