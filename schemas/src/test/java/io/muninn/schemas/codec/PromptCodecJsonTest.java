package io.muninn.schemas.codec;

import static io.muninn.schemas.codec.Rejections.accepted;
import static io.muninn.schemas.codec.Rejections.rejection;
import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PromptCodecJsonTest {
    private static final PromptCodec CODEC = PromptCodec.create();

    private static Decoded decode(String json) {
        return CODEC.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsJsonRequests() {
        assertThat(accepted(decode("{\"request_id\":\"r\",\"input\":{\"prompt\":\"Hi\"}}"), PayloadFormat.JSON))
                .isEqualTo(Fixtures.textRequest("r", "Hi"));
    }

    @Test
    void readsWhatTheJsonWriterWrites() {
        String json = JsonRecordWriter.write(Fixtures.fullRequest());

        assertThat(accepted(decode(json), PayloadFormat.JSON)).isEqualTo(Fixtures.fullRequest());
    }

    @Test
    void toleratesAByteOrderMarkAndSurroundingWhitespace() {
        assertThat(accepted(decode("\uFEFF \n{\"request_id\":\"r\",\"input\":{\"prompt\":\"Hi\"}}\n"),
                PayloadFormat.JSON)).isEqualTo(Fixtures.textRequest("r", "Hi"));
    }

    /**
     * Payloads the codec refuses, each with the whole rejection: the field, the reason and the request id when it
     * could be read (an empty column: none). A misspelt field must not silently fall back to its default.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"request_id\": \"r\", \"input\": {\"prompt\": \"Hi\"}|payload|payload is not valid JSON: End of input at"
                + " line 1 column 46 path $.input|",
        "{'request_id': 'r'}|payload|payload is not valid JSON: malformed JSON at line 1 column 3 path $.|r",
        "[{\"request_id\":\"r\"}]|payload|payload is neither Avro single-object encoding (it does not start with C3"
                + " 01) nor a JSON object; it starts with 5B 7B 22 72 65 71 75 65 ... and reads as: payload must be a"
                + " JSON object but was an array|",
        "hello world|payload|payload is neither Avro single-object encoding (it does not start with C3 01) nor a"
                + " JSON object; it starts with 68 65 6C 6C 6F 20 77 6F ... and reads as: payload is not valid JSON:"
                + " malformed JSON at line 1 column 1 path $|",
        "{\"request_id\":\"a\",\"input\":{\"prompt\":\"x\"}} {}|payload|payload is not valid JSON: malformed JSON at"
                + " line 1 column 44 path $|",
        "{\"input\": {\"prompt\": \"Hi\"}}|request_id|request_id is missing; it is required (it has no default)|",
        "{\"request_id\": \"r\"}|input|input is missing; it is required (it has no default)|r",
        "{\"request_id\": \"r7\", \"input\": {\"prompt\": \"Hi\"}, \"generation\": {\"max_tokens\": 5}}"
                + "|generation.max_tokens|generation.max_tokens is not a field of Generation, which has"
                + " [max_new_tokens, criterion, threshold, min_steps, max_steps, check_every, exit_in_prefill,"
                + " sampling, warm_start, init_scale, stop_token_ids, prefill_exit, total_steps_budget, strict_depth]"
                + "|r7",
        "{\"request_id\": \"r\", \"prompt\": \"Hi\"}|prompt|prompt is not a field of PromptRequest, which has"
                + " [request_id, input, generation, deadline_ms, metadata, cancel]|r",
        "{\"request_id\": \"a\", \"request_id\": \"b\", \"input\": {\"prompt\": \"Hi\"}}|request_id|request_id"
                + " appears twice|b",
        "{\"request_id\": \"r\", \"input\": {\"prompt\": \"Hi\"}, \"generation\": {\"max_new_tokens\": \"10\"}}"
                + "|generation.max_new_tokens|generation.max_new_tokens must be an integer in [-2147483648,"
                + " 2147483647] but was '10'|r",
        "{\"request_id\": \"r\", \"input\": {\"token_ids\": [1, 2.5]}}|input.token_ids[1]|input.token_ids[1] must be"
                + " an integer in [-2147483648, 2147483647] but was 2.5|r",
        "{\"request_id\": \"r\", \"input\": {\"prompt\": \"Hi\"}, \"generation\": {\"min_steps\": 3e9}}"
                + "|generation.min_steps|generation.min_steps must be an integer in [-2147483648, 2147483647] but"
                + " was 3e9|r",
        "{\"request_id\": null, \"input\": {\"prompt\": \"Hi\"}}|request_id|request_id must be a string but was"
                + " null|",
        "{\"request_id\": 42, \"input\": {\"prompt\": \"Hi\"}}|request_id|request_id must be a string but was 42|"
    })
    void rejectsAJsonPayload(String json, String field, String reason, String requestId) {
        assertThat(rejection(decode(json))).isEqualTo(new Rejection(field, reason, requestId));
    }

    /** Bytes that are neither JSON text nor Avro single-object encoding. */
    static Stream<Arguments> foreignBytes() {
        return Stream.of(
                Arguments.of("not UTF-8", new byte[] {'{', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'},
                        "payload is neither Avro single-object encoding (it does not start with C3 01) nor UTF-8 JSON;"
                                + " it starts with 7B 22 FF FE 22 7D"),
                Arguments.of("Confluent framing", new byte[] {0, 0, 0, 0, 42, 2, 'r'},
                        "payload starts with 00 00 00 00 2A ..., the Confluent Schema Registry framing (magic byte 0,"
                                + " schema id 42), which Muninn does not read; produce Avro single-object encoding"
                                + " (C3 01 + fingerprint) or JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("foreignBytes")
    void rejectsForeignBytes(String name, byte[] bytes, String reason) {
        assertThat(rejection(CODEC.decode(bytes))).isEqualTo(Rejection.of(Rejection.PAYLOAD, reason));
    }

    @Test
    void nanLiteralIsRejectedButTheNanStringIsANumber() {
        String head = "{\"request_id\":\"r\",\"input\":{\"prompt\":\"Hi\"},\"generation\":{\"threshold\":";

        assertThat(rejection(decode(head + "NaN}}")).reason())
                .isEqualTo("payload is not valid JSON: malformed JSON at line 1 column 69 path $.generation.threshold");
        assertThat(accepted(decode(head + "\"NaN\"}}"), PayloadFormat.JSON).getGeneration().getThreshold()).isNaN();
    }

    @Test
    void longValuesInReasonsAreCut() {
        String prompt = "x".repeat(500);
        Rejection rejection = rejection(decode(
                "{\"request_id\": \"r\", \"input\": {\"prompt\": \"Hi\"}, \"generation\": {\"criterion\": 1, "
                        + "\"sampling\": \"" + prompt + "\"}}"));

        assertThat(rejection.reason()).isEqualTo("generation.criterion must be a string but was 1");
        Rejection cut = rejection(decode(
                "{\"request_id\": \"r\", \"input\": {\"prompt\": \"Hi\"}, \"generation\": {\"sampling\": \""
                        + prompt + "\"}}"));
        assertThat(cut.reason()).isEqualTo("generation.sampling must be an object but was '" + "x".repeat(80)
                + "...' (500 characters)");
    }

    /** Deep nesting is never followed: the schema decides the depth, and the first wrong token ends the read. */
    @Test
    void deeplyNestedValuesAreRejectedAtTheFirstWrongToken() {
        String deep = "[".repeat(500_000);
        byte[] payload = ("{\"request_id\": \"r\", \"input\": {\"prompt\": " + deep).getBytes(StandardCharsets.UTF_8);

        Rejection rejection = rejection(CODEC.decode(payload));

        // reading the text once (about 3 bytes per payload byte: chars and the string) and no more: following the
        // nesting allocates per level, as the request_id lookup for the rejection once did (about 80 MB here)
        assertThat(Allocation.bytesAllocatedBy(() -> CODEC.decode(payload))).isLessThan(4L * payload.length);

        assertThat(rejection.field()).isEqualTo("input.prompt");
        assertThat(rejection.reason()).isEqualTo("input.prompt must be a string but was an array");
    }
}
