package io.muninn.schemas.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding, the format of every Muninn record on Kafka: the marker {@code C3 01}, the writer
 * schema's 8-byte CRC-64-AVRO fingerprint (of its Parsing Canonical Form, little-endian), then the record in Avro
 * binary. A reader needs the writer's schema for that fingerprint (see {@link SingleObjectReader}).
 */
public final class SingleObjectEncoding {
    /** The two bytes every single-object encoded record starts with. */
    public static final byte MARKER_0 = (byte) 0xC3;
    public static final byte MARKER_1 = (byte) 0x01;
    /** Marker plus fingerprint: where the record's binary encoding starts. */
    public static final int HEADER_LENGTH = 10;

    private static final ClassValue<BinaryMessageEncoder<SpecificRecord>> ENCODERS = new ClassValue<>() {
        @Override
        protected BinaryMessageEncoder<SpecificRecord> computeValue(Class<?> type) {
            SpecificData data = new SpecificData(type.getClassLoader());
            return new BinaryMessageEncoder<>(data, data.getSchema(type));
        }
    };

    private SingleObjectEncoding() {
    }

    /** Whether {@code payload} starts with the single-object marker {@code C3 01}. */
    public static boolean hasMarker(byte[] payload) {
        return payload != null && payload.length >= 2 && payload[0] == MARKER_0 && payload[1] == MARKER_1;
    }

    /** The fingerprint that identifies {@code schema} in a single-object header. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** The fingerprint in a header, which must be at least {@link #HEADER_LENGTH} bytes long. */
    public static long fingerprintOf(byte[] payload) {
        long fingerprint = 0;
        for (int i = HEADER_LENGTH - 1; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (payload[i] & 0xFF);
        }
        return fingerprint;
    }

    /** A fingerprint as rejection reasons and the README print it: 16 hex digits of the 64-bit value. */
    public static String hex(long fingerprint) {
        return String.format("%016x", fingerprint);
    }

    /** {@code record} in single-object encoding, written with its generated class's schema. */
    public static byte[] encode(SpecificRecord record) {
        try {
            ByteBuffer buffer = ENCODERS.get(record.getClass()).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + record.getSchema().getFullName(), e);
        }
    }
}
