package io.muninn.schemas.codec;

import static io.muninn.schemas.codec.Rejections.accepted;
import static io.muninn.schemas.codec.Rejections.rejection;
import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Fixtures;
import io.muninn.schemas.PromptRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    /**
     * Avro payloads the codec refuses, each with the whole rejection, refused without allocating what they claim
     * (strings of gigabytes, a billion array items, lengths that would loop).
     */
    static Stream<Arguments> refusedPayloads() throws IOException {
        byte[] unknown = SingleObjectEncoding.encode(Fixtures.fullRequest());
        unknown[2] ^= 0x01;
        byte[] hello = SingleObjectEncoding.encode(Fixtures.textRequest("r", "Hello"));
        byte[] full = SingleObjectEncoding.encode(Fixtures.fullRequest());
        byte[] overlong = full.clone();
        Arrays.fill(overlong, SingleObjectEncoding.HEADER_LENGTH, overlong.length, (byte) 0xFF);
        return Stream.of(
                Arguments.of("an unknown fingerprint", unknown, Rejection.of(Rejection.FINGERPRINT,
                        "unknown schema fingerprint " + SingleObjectEncoding.hex(SingleObjectEncoding.fingerprintOf(
                                unknown)) + ": this reader knows PromptRequest schemas with fingerprints [" + KNOWN
                                + "]; produce with one of them or register the writer's schema with the reader")),
                Arguments.of("a header without a full fingerprint", new byte[] {(byte) 0xC3, 0x01, 1, 2, 3},
                        Rejection.of(Rejection.PAYLOAD, "payload of 5 bytes is too short for Avro single-object"
                                + " encoding, which needs 10 header bytes (marker C3 01 and an 8-byte schema"
                                + " fingerprint)")),
                // the last seven bytes: cancel, metadata, deadline_ms, generation.strict_depth,
                // generation.total_steps_budget, generation.prefill_exit and the end of generation.stop_token_ids
                invalid("a truncated record", Arrays.copyOf(hello, hello.length - 7), "generation.stop_token_ids",
                        "the data ends inside generation.stop_token_ids (truncated?)"),
                invalid("trailing bytes", Arrays.copyOf(full, full.length + 4), Rejection.PAYLOAD,
                        "4 byte(s) remain after the record"),
                // a string claiming 2 GB
                invalid("a huge string length", payload(out -> {
                    out.writeLong(2_000_000_000L);      // request_id's length
                    out.writeFixed(new byte[16]);
                }), "request_id", "request_id claims 2000000000 bytes but only 16 byte(s) remain"),
                // an array claiming a billion ints
                invalid("a huge array count", payload(out -> {
                    out.writeString("r");
                    out.writeIndex(0);                  // input.prompt: null
                    out.writeIndex(0);                  // input.messages: null
                    out.writeIndex(1);                  // input.token_ids: array
                    out.writeArrayStart();
                    out.setItemCount(1_000_000_000L);
                    out.writeInt(5);
                }), "input.token_ids", "input.token_ids claims 1000000000 items but only 1 byte(s) remain"),
                // Avro's own skip moves backwards on a negative length; chat messages whose role and content have
                // length -1 would loop in place for as many items as the count claims: the first one is refused
                invalid("negative lengths inside a huge array", payload(out -> {
                    out.writeString("r");
                    out.writeIndex(0);                  // input.prompt: null
                    out.writeIndex(1);                  // input.messages: array
                    out.writeLong(4);                   // a block of 4 messages
                    for (int i = 0; i < 8; i++) {
                        out.writeLong(-1);              // role and content lengths
                    }
                }), "input.messages[0].role", "input.messages[0].role has the negative length -1"),
                invalid("a union branch out of range", payload(out -> {
                    out.writeString("r");
                    out.writeIndex(7);                  // input.prompt has 2 branches
                    out.writeFixed(new byte[8]);
                }), "input.prompt", "input.prompt has union branch 7 but its union has 2 branches"),
                invalid("an overlong varint", overlong, "request_id",
                        "request_id has a variable-length long longer than 10 bytes"));
    }

    /** A record that does not read as the current PromptRequest schema: the field it fails in and why. */
    private static Arguments invalid(String name, byte[] bytes, String field, String reason) {
        return Arguments.of(name, bytes, Rejection.of(field, "payload is not a valid Avro PromptRequest (writer"
                + " fingerprint " + CURRENT + "): " + reason));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedPayloads")
    void rejectsAPayload(String name, byte[] bytes, Rejection expected) {
        assertThat(rejection(CODEC.decode(bytes))).isEqualTo(expected);
        assertThat(Allocation.bytesAllocatedBy(() -> CODEC.decode(bytes))).isLessThan(Allocation.SMALL);
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
