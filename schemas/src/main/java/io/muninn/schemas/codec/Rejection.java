package io.muninn.schemas.codec;

import io.muninn.schemas.RejectedRecord;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Why a prompts-topic record was not accepted: the offending field and a reason that names the field, the value and
 * the limit. Becomes a {@link RejectedRecord} on the rejected topic through {@link #toRecord}.
 *
 * @param field     dotted path of the offending field ({@code generation.sampling.top_p}, {@code input.token_ids[3]}),
 *                  or {@code payload} / {@code fingerprint} for a problem with the record as a whole; never null
 * @param reason    what is wrong, for a person; never null
 * @param requestId the request's id when it could be read, else null
 */
public record Rejection(String field, String reason, String requestId) {

    /** Field name used for problems with the record as a whole (size, format, syntax). */
    public static final String PAYLOAD = "payload";
    /** Field name used for an Avro single-object header whose schema fingerprint is unknown. */
    public static final String FINGERPRINT = "fingerprint";
    /**
     * How many bytes of the payload a {@link RejectedRecord} keeps by default: the rejected topic must accept the
     * record even when the payload was as large as the prompts topic allows.
     */
    public static final int DEFAULT_KEPT_PAYLOAD_BYTES = 64 * 1024;

    public Rejection {
        if (field == null || reason == null) {
            throw new IllegalArgumentException(String.format(
                    "a rejection needs a field and a reason but got field %s and reason %s", field, reason));
        }
    }

    /** A rejection whose request id is not known. */
    public static Rejection of(String field, String reason) {
        return new Rejection(field, reason, null);
    }

    /** A rejection of a record with a message template, {@code %s} style. */
    public static Rejection of(String field, String template, Object... args) {
        return new Rejection(field, String.format(template, args), null);
    }

    /** This rejection, attributed to a request; a null or blank id leaves it unattributed. */
    public Rejection withRequestId(String id) {
        return new Rejection(field, reason, id == null || id.isBlank() ? null : id);
    }

    /** The record for the rejected topic, keeping at most {@link #DEFAULT_KEPT_PAYLOAD_BYTES} of the payload. */
    public RejectedRecord toRecord(String sourceTopic, int partition, long offset, byte[] payload, long rejectedAtMs) {
        return toRecord(sourceTopic, partition, offset, payload, rejectedAtMs, DEFAULT_KEPT_PAYLOAD_BYTES);
    }

    /**
     * The record for the rejected topic.
     *
     * @param payload          the record's value as received; null (a tombstone) is kept as zero bytes
     * @param keptPayloadBytes how many leading bytes of the payload to keep, >= 0; {@code payload_size} keeps the
     *                         full length
     */
    public RejectedRecord toRecord(String sourceTopic, int partition, long offset, byte[] payload, long rejectedAtMs,
            int keptPayloadBytes) {
        if (keptPayloadBytes < 0) {
            throw new IllegalArgumentException("keptPayloadBytes must be >= 0 but was " + keptPayloadBytes);
        }
        byte[] received = payload == null ? new byte[0] : payload;
        byte[] kept = Arrays.copyOf(received, Math.min(received.length, keptPayloadBytes));
        return RejectedRecord.newBuilder()
                .setSourceTopic(sourceTopic)
                .setPartition(partition)
                .setOffset(offset)
                .setRequestId(requestId)
                .setField(field)
                .setReason(reason)
                .setPayload(ByteBuffer.wrap(kept))
                .setPayloadSize(received.length)
                .setRejectedAtMs(rejectedAtMs)
                .build();
    }
}
