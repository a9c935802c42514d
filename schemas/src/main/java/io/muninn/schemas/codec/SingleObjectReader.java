package io.muninn.schemas.codec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads single-object encoded records of one generated type, written with any of a fixed set of writer schemas
 * (the type's own, its released versions, and any newer ones the caller registers); Avro schema resolution fills
 * fields the writer lacked with the reader's defaults and drops fields the reader lacks.
 *
 * <p>Untrusted input is first walked by {@link AvroBinaryCheck}, which allocates nothing, so a length or count that
 * claims more data than the payload holds is rejected, naming the field, before Avro's reader could allocate for it.
 * The payload must hold exactly one record: trailing bytes are rejected too. Instances are immutable and safe to
 * share between threads.
 */
public final class SingleObjectReader<T extends SpecificRecord> {
    private final Schema readerSchema;
    private final Map<Long, Schema> writers;
    private final Map<Long, SpecificDatumReader<T>> readers;

    /**
     * @param type          the generated class to read into
     * @param writerSchemas schemas, besides {@code type}'s own, that records may have been written with; each must
     *                      be compatible with {@code type}'s schema (every field the reader lacks has a default)
     * @throws IllegalArgumentException when a writer schema is not compatible, naming the incompatibility
     */
    public SingleObjectReader(Class<T> type, Collection<Schema> writerSchemas) {
        SpecificData data = new SpecificData(type.getClassLoader());
        this.readerSchema = data.getSchema(type);
        Map<Long, Schema> writers = new LinkedHashMap<>();
        Map<Long, SpecificDatumReader<T>> readers = new LinkedHashMap<>();
        List<Schema> all = new ArrayList<>();
        all.add(readerSchema);
        all.addAll(writerSchemas);
        for (Schema writer : all) {
            requireCompatible(writer);
            long fingerprint = SingleObjectEncoding.fingerprint(writer);
            writers.put(fingerprint, writer);
            readers.put(fingerprint, new SpecificDatumReader<>(writer, readerSchema, data));
        }
        this.writers = Collections.unmodifiableMap(writers);
        this.readers = Collections.unmodifiableMap(readers);
    }

    private void requireCompatible(Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            List<String> problems = new ArrayList<>();
            for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
                problems.add(incompatibility.getLocation() + " " + incompatibility.getType() + ": "
                        + incompatibility.getMessage());
            }
            throw new IllegalArgumentException(String.format(
                    "writer schema %s (fingerprint %s) cannot be read as %s: %s; schemas may only gain optional "
                            + "fields with defaults (schemas/README.md)",
                    writer.getFullName(), SingleObjectEncoding.hex(SingleObjectEncoding.fingerprint(writer)),
                    readerSchema.getFullName(), problems));
        }
    }

    /** The schema records are read into. */
    public Schema readerSchema() {
        return readerSchema;
    }

    /** The fingerprints of the writer schemas this reader knows, its own first. */
    public Set<Long> fingerprints() {
        return writers.keySet();
    }

    /**
     * The record in {@code payload}.
     *
     * @throws RejectionException naming {@code payload} for a missing marker, a truncated or malformed record or
     *                            trailing bytes, or {@code fingerprint} for a writer schema this reader does not know
     */
    public T read(byte[] payload) throws RejectionException {
        String name = readerSchema.getName();
        if (!SingleObjectEncoding.hasMarker(payload)) {
            throw new RejectionException(Rejection.PAYLOAD,
                    "payload must start with the Avro single-object marker C3 01 but starts with %s",
                    payload == null ? "nothing (null)" : Shown.hexPrefix(payload, 2));
        }
        if (payload.length < SingleObjectEncoding.HEADER_LENGTH) {
            throw new RejectionException(Rejection.PAYLOAD,
                    "payload of %s bytes is too short for Avro single-object encoding, which needs %s header bytes "
                            + "(marker C3 01 and an 8-byte schema fingerprint)",
                    payload.length, SingleObjectEncoding.HEADER_LENGTH);
        }
        long fingerprint = SingleObjectEncoding.fingerprintOf(payload);
        Schema writer = writers.get(fingerprint);
        if (writer == null) {
            throw new RejectionException(Rejection.FINGERPRINT,
                    "unknown schema fingerprint %s: this reader knows %s schemas with fingerprints %s; produce with "
                            + "one of them or register the writer's schema with the reader",
                    SingleObjectEncoding.hex(fingerprint), name, hexList());
        }
        int offset = SingleObjectEncoding.HEADER_LENGTH;
        int length = payload.length - offset;
        try {
            AvroBinaryCheck.check(writer, payload, offset, length);
        } catch (AvroBinaryCheck.Malformed e) {
            throw new RejectionException(e.path().isEmpty() ? Rejection.PAYLOAD : e.path(),
                    "payload is not a valid Avro %s (writer fingerprint %s): %s", name,
                    SingleObjectEncoding.hex(fingerprint), e.getMessage());
        }
        try {
            return readers.get(fingerprint).read(null, DecoderFactory.get().binaryDecoder(payload, offset, length,
                    null));
        } catch (IOException | RuntimeException e) {
            // Not expected after the check; kept so that no payload can fail the job.
            throw new RejectionException(Rejection.PAYLOAD, "payload is not a valid Avro %s (writer fingerprint %s): "
                    + "%s: %s", name, SingleObjectEncoding.hex(fingerprint), e.getClass().getSimpleName(),
                    Shown.text(e.getMessage()));
        }
    }

    private List<String> hexList() {
        List<String> out = new ArrayList<>();
        for (long fingerprint : writers.keySet()) {
            out.add(SingleObjectEncoding.hex(fingerprint));
        }
        return out;
    }
}
