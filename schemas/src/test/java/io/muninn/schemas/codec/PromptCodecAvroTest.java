package io.muninn.schemas.codec;

import static io.muninn.schemas.codec.Rejections.accepted;
import static io.muninn.schemas.codec.Rejections.rejection;
import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Fixtures;
import io.muninn.schemas.PromptRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class PromptCodecAvroTest {
    private static final PromptCodec CODEC = PromptCodec.create();
    private static final String CURRENT = SingleObjectEncoding.hex(
            SingleObjectEncoding.fingerprint(PromptRequest.getClassSchema()));
    /** Every released PromptRequest version's fingerprint, as the codec lists them: the current one first. */
    private static final String KNOWN = CURRENT + SchemaHistory.versions("PromptRequest").stream()
            .map(v -> SingleObjectEncoding.hex(SingleObjectEncoding.fingerprint(v)))
            .filter(f -> !f.equals(CURRENT)).map(f -> ", " + f).collect(java.util.stream.Collectors.joining());

    @Test
    void readsSingleObjectEncodedRequests() {
        PromptRequest request = Fixtures.fullRequest();

        assertThat(accepted(CODEC.decode(SingleObjectEncoding.encode(request)), PayloadFormat.AVRO))
                .isEqualTo(request);
    }

    @Test
    void knowsTheCurrentSchemaFirst() {
        assertThat(CODEC.knownFingerprints())
                .first().isEqualTo(SingleObjectEncoding.fingerprint(PromptRequest.getClassSchema()));
    }

    @Test
    void unknownFingerprintIsRejectedNamingIt() {
        byte[] bytes = SingleObjectEncoding.encode(Fixtures.fullRequest());
        bytes[2] ^= 0x01;
        String fingerprint = SingleObjectEncoding.hex(SingleObjectEncoding.fingerprintOf(bytes));

        Rejection rejection = rejection(CODEC.decode(bytes));

        assertThat(rejection.field()).isEqualTo("fingerprint");
        assertThat(rejection.reason()).isEqualTo("unknown schema fingerprint " + fingerprint + ": this reader knows "
                + "PromptRequest schemas with fingerprints [" + KNOWN + "]; produce with one of them or register "
                + "the writer's schema with the reader");
        assertThat(rejection.requestId()).isNull();
    }

    @Test
    void headerWithoutAFullFingerprintIsRejected() {
        byte[] bytes = {(byte) 0xC3, 0x01, 1, 2, 3};

        Rejection rejection = rejection(CODEC.decode(bytes));

        assertThat(rejection.field()).isEqualTo("payload");
        assertThat(rejection.reason()).isEqualTo("payload of 5 bytes is too short for Avro single-object encoding, "
                + "which needs 10 header bytes (marker C3 01 and an 8-byte schema fingerprint)");
    }

    @Test
    void truncatedRecordIsRejectedNamingTheFieldItEndsIn() {
        byte[] bytes = SingleObjectEncoding.encode(Fixtures.textRequest("r", "Hello"));

        Rejection rejection = rejection(CODEC.decode(Arrays.copyOf(bytes, bytes.length - 7)));

        // the last seven bytes: cancel, metadata, deadline_ms, generation.strict_depth,
        // generation.total_steps_budget, generation.prefill_exit and the end of generation.stop_token_ids
        assertThat(rejection.field()).isEqualTo("generation.stop_token_ids");
        assertThat(rejection.reason()).isEqualTo("payload is not a valid Avro PromptRequest (writer fingerprint "
                + CURRENT + "): the data ends inside generation.stop_token_ids (truncated?)");
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] bytes = SingleObjectEncoding.encode(Fixtures.fullRequest());

        Rejection rejection = rejection(CODEC.decode(Arrays.copyOf(bytes, bytes.length + 4)));

        assertThat(rejection.field()).isEqualTo("payload");
        assertThat(rejection.reason()).isEqualTo("payload is not a valid Avro PromptRequest (writer fingerprint "
                + CURRENT + "): 4 byte(s) remain after the record");
    }

    /** A string claiming 2 GB must be refused without allocating it. */
    @Test
    void hugeStringLengthIsRejectedWithoutAllocating() throws IOException {
        byte[] bytes = payload(out -> {
            out.writeLong(2_000_000_000L);      // request_id's length
            out.writeFixed(new byte[16]);
        });

        Rejection rejection = rejection(CODEC.decode(bytes));

        assertThat(Allocation.bytesAllocatedBy(() -> CODEC.decode(bytes))).isLessThan(Allocation.SMALL);
        assertThat(rejection.field()).isEqualTo("request_id");
        assertThat(rejection.reason()).isEqualTo("payload is not a valid Avro PromptRequest (writer fingerprint "
                + CURRENT + "): request_id claims 2000000000 bytes but only 16 byte(s) remain");
    }

    /** An array claiming a billion ints must be refused without allocating room for them. */
    @Test
    void hugeArrayCountIsRejectedWithoutAllocating() throws IOException {
        byte[] bytes = payload(out -> {
            out.writeString("r");
            out.writeIndex(0);                  // input.prompt: null
            out.writeIndex(0);                  // input.messages: null
            out.writeIndex(1);                  // input.token_ids: array
            out.writeArrayStart();
            out.setItemCount(1_000_000_000L);
            out.writeInt(5);
        });

        Rejection rejection = rejection(CODEC.decode(bytes));

        assertThat(Allocation.bytesAllocatedBy(() -> CODEC.decode(bytes))).isLessThan(Allocation.SMALL);
        assertThat(rejection.field()).isEqualTo("input.token_ids");
        assertThat(rejection.reason()).isEqualTo("payload is not a valid Avro PromptRequest (writer fingerprint "
                + CURRENT + "): input.token_ids claims 1000000000 items but only 1 byte(s) remain");
    }

    /**
     * Avro's own skip moves backwards on a negative length; chat messages whose role and content have length -1
     * would loop in place for as many items as the count claims. The check refuses the first negative length.
     */
    @Test
    void negativeLengthsInsideAHugeArrayAreRejectedAtOnce() throws IOException {
        byte[] bytes = payload(out -> {
            out.writeString("r");
            out.writeIndex(0);                  // input.prompt: null
            out.writeIndex(1);                  // input.messages: array
            out.writeLong(4);                   // a block of 4 messages
            for (int i = 0; i < 8; i++) {
                out.writeLong(-1);              // role and content lengths
            }
        });

        Rejection rejection = rejection(CODEC.decode(bytes));

        assertThat(Allocation.bytesAllocatedBy(() -> CODEC.decode(bytes))).isLessThan(Allocation.SMALL);
        assertThat(rejection.field()).isEqualTo("input.messages[0].role");
        assertThat(rejection.reason()).isEqualTo("payload is not a valid Avro PromptRequest (writer fingerprint "
                + CURRENT + "): input.messages[0].role has the negative length -1");
    }

    @Test
    void unionBranchOutOfRangeIsRejected() throws IOException {
        byte[] bytes = payload(out -> {
            out.writeString("r");
            out.writeIndex(7);                  // input.prompt has 2 branches
            out.writeFixed(new byte[8]);
        });

        Rejection rejection = rejection(CODEC.decode(bytes));

        assertThat(rejection.field()).isEqualTo("input.prompt");
        assertThat(rejection.reason()).isEqualTo("payload is not a valid Avro PromptRequest (writer fingerprint "
                + CURRENT + "): input.prompt has union branch 7 but its union has 2 branches");
    }

    @Test
    void overlongVarintIsRejected() {
        byte[] bytes = SingleObjectEncoding.encode(Fixtures.fullRequest());
        for (int i = SingleObjectEncoding.HEADER_LENGTH; i < bytes.length; i++) {
            bytes[i] = (byte) 0xFF;
        }

        Rejection rejection = rejection(CODEC.decode(bytes));

        assertThat(Allocation.bytesAllocatedBy(() -> CODEC.decode(bytes))).isLessThan(Allocation.SMALL);
        assertThat(rejection.field()).isEqualTo("request_id");
        assertThat(rejection.reason()).isEqualTo("payload is not a valid Avro PromptRequest (writer fingerprint "
                + CURRENT + "): request_id has a variable-length long longer than 10 bytes");
    }

    interface Body {
        void write(BinaryEncoder out) throws IOException;
    }

    /** The current schema's header followed by a hand-written (usually broken) body. */
    private static byte[] payload(Body body) throws IOException {
        byte[] header = Arrays.copyOf(SingleObjectEncoding.encode(Fixtures.fullRequest()),
                SingleObjectEncoding.HEADER_LENGTH);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(header);
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        body.write(out);
        out.flush();
        return bytes.toByteArray();
    }
}
