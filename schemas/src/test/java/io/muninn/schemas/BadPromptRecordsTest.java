package io.muninn.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.codec.Decoded;
import io.muninn.schemas.codec.PromptCodec;
import io.muninn.schemas.codec.Rejection;
import io.muninn.schemas.codec.SingleObjectEncoding;
import io.muninn.schemas.validate.RequestLimits;
import io.muninn.schemas.validate.RequestValidator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The list of bad input, end to end through what the operator runs (decode, then validate): each is
 * rejected, and the rejection names the field. Exact reasons are asserted in the codec and validator tests.
 */
class BadPromptRecordsTest {
    private static final PromptCodec CODEC = PromptCodec.create();
    private static final RequestValidator VALIDATOR =
            new RequestValidator(new RequestLimits(4096, 65536, 4096, 32, Fixtures.CRITERIA));

    private static Rejection firstProblem(byte[] payload) {
        Decoded decoded = CODEC.decode(payload);
        if (decoded instanceof Decoded.Rejected rejected) {
            return rejected.rejection();
        }
        return VALIDATOR.validate(((Decoded.Accepted) decoded).request()).orElse(null);
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withGeneration(String generation) {
        return json("{\"request_id\": \"r\", \"input\": {\"prompt\": \"Hi\"}, \"generation\": " + generation + "}");
    }

    static Stream<Arguments> badRecords() {
        byte[] avro = SingleObjectEncoding.encode(Fixtures.fullRequest());
        byte[] unknownFingerprint = avro.clone();
        unknownFingerprint[5] ^= 0x40;
        return Stream.of(
                Arguments.of("malformed Avro", Arrays.copyOf(avro, avro.length - 2), "metadata"),
                Arguments.of("unknown schema fingerprint", unknownFingerprint, "fingerprint"),
                Arguments.of("malformed JSON", json("{\"request_id\": "), "payload"),
                Arguments.of("missing request_id", json("{\"input\": {\"prompt\": \"Hi\"}}"), "request_id"),
                Arguments.of("blank request_id", json("{\"request_id\": \" \", \"input\": {\"prompt\": \"Hi\"}}"),
                        "request_id"),
                Arguments.of("empty prompt", json("{\"request_id\": \"r\", \"input\": {\"prompt\": \"\"}}"),
                        "input.prompt"),
                Arguments.of("no input", json("{\"request_id\": \"r\", \"input\": {}}"), "input"),
                Arguments.of("prompt longer than the block size", json("{\"request_id\": \"r\", \"input\": "
                        + "{\"token_ids\": [" + "1,".repeat(4096) + "1]}}"), "input"),
                Arguments.of("max_new_tokens out of range", withGeneration("{\"max_new_tokens\": 0}"),
                        "generation.max_new_tokens"),
                Arguments.of("NaN threshold", withGeneration("{\"threshold\": \"NaN\"}"), "generation.threshold"),
                Arguments.of("negative threshold", withGeneration("{\"threshold\": -1}"), "generation.threshold"),
                Arguments.of("unknown criterion", withGeneration("{\"criterion\": \"vibes\"}"),
                        "generation.criterion"),
                Arguments.of("10 MB payload", new byte[10 * 1024 * 1024], "payload"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRecords")
    void isRejectedNamingTheField(String what, byte[] payload, String field) {
        Rejection rejection = firstProblem(payload);

        assertThat(rejection).as(what).isNotNull();
        assertThat(rejection.field()).as(what).isEqualTo(field);
        assertThat(rejection.reason()).as(what).contains(field.equals("payload") ? "payload" : field);
    }
}
