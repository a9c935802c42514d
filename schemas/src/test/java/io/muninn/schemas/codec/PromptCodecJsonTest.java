package io.muninn.schemas.codec;

import static io.muninn.schemas.codec.Rejections.accepted;
import static io.muninn.schemas.codec.Rejections.rejection;
import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.Fixtures;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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

    @Test
    void malformedJsonIsRejected() {
        Rejection rejection = rejection(decode("{\"request_id\": \"r\", \"input\": {\"prompt\": \"Hi\"}"));

        assertThat(rejection.field()).isEqualTo("payload");
        assertThat(rejection.reason()).isEqualTo("payload is not valid JSON: End of input at line 1 column 46 path "
                + "$.input");
    }

    @Test
    void lenientJsonIsRejected() {
        Rejection rejection = rejection(decode("{'request_id': 'r'}"));

        assertThat(rejection.field()).isEqualTo("payload");
        assertThat(rejection.reason()).isEqualTo("payload is not valid JSON: malformed JSON at line 1 column 3 path $.");
    }

    @Test
    void nanLiteralIsRejectedButTheNanStringIsANumber() {
        String head = "{\"request_id\":\"r\",\"input\":{\"prompt\":\"Hi\"},\"generation\":{\"threshold\":";

        assertThat(rejection(decode(head + "NaN}}")).reason())
                .isEqualTo("payload is not valid JSON: malformed JSON at line 1 column 69 path $.generation.threshold");
        assertThat(accepted(decode(head + "\"NaN\"}}"), PayloadFormat.JSON).getGeneration().getThreshold()).isNaN();
    }

    @Test
    void aJsonArrayIsNotARequest() {
        Rejection rejection = rejection(decode("[{\"request_id\":\"r\"}]"));

        assertThat(rejection.field()).isEqualTo("payload");
        assertThat(rejection.reason()).isEqualTo("payload is neither Avro single-object encoding (it does not start "
                + "with C3 01) nor a JSON object; it starts with 5B 7B 22 72 65 71 75 65 ... and reads as: payload "
                + "must be a JSON object but was an array");
    }

    @Test
    void textThatIsNotJsonIsRejected() {
        Rejection rejection = rejection(decode("hello world"));

        assertThat(rejection.field()).isEqualTo("payload");
        assertThat(rejection.reason()).isEqualTo("payload is neither Avro single-object encoding (it does not start "
                + "with C3 01) nor a JSON object; it starts with 68 65 6C 6C 6F 20 77 6F ... and reads as: payload is "
                + "not valid JSON: malformed JSON at line 1 column 1 path $");
    }

    @Test
    void aSecondValueAfterTheObjectIsRejected() {
        Rejection rejection = rejection(decode("{\"request_id\":\"a\",\"input\":{\"prompt\":\"x\"}} {}"));

        assertThat(rejection.field()).isEqualTo("payload");
        assertThat(rejection.reason()).isEqualTo("payload is not valid JSON: malformed JSON at line 1 column 44 path $");
    }

    @Test
    void bytesThatAreNotUtf8AreRejected() {
        byte[] bytes = {'{', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'};

        Rejection rejection = rejection(CODEC.decode(bytes));

        assertThat(rejection.field()).isEqualTo("payload");
        assertThat(rejection.reason()).isEqualTo("payload is neither Avro single-object encoding (it does not start "
                + "with C3 01) nor UTF-8 JSON; it starts with 7B 22 FF FE 22 7D");
    }

    @Test
    void confluentFramingIsRecognisedAndRefused() {
        byte[] bytes = {0, 0, 0, 0, 42, 2, 'r'};

        Rejection rejection = rejection(CODEC.decode(bytes));

        assertThat(rejection.field()).isEqualTo("payload");
        assertThat(rejection.reason()).isEqualTo("payload starts with 00 00 00 00 2A ..., the Confluent Schema "
                + "Registry framing (magic byte 0, schema id 42), which Muninn does not read; produce Avro "
                + "single-object encoding (C3 01 + fingerprint) or JSON");
    }

    @Test
    void missingRequestIdIsRejected() {
        Rejection rejection = rejection(decode("{\"input\": {\"prompt\": \"Hi\"}}"));

        assertThat(rejection.field()).isEqualTo("request_id");
        assertThat(rejection.reason()).isEqualTo("request_id is missing; it is required (it has no default)");
        assertThat(rejection.requestId()).isNull();
    }

    @Test
    void missingInputIsRejected() {
        Rejection rejection = rejection(decode("{\"request_id\": \"r\"}"));

        assertThat(rejection.field()).isEqualTo("input");
        assertThat(rejection.reason()).isEqualTo("input is missing; it is required (it has no default)");
        assertThat(rejection.requestId()).isEqualTo("r");
    }

    /** A misspelt field must not silently fall back to its default. */
    @Test
    void unknownFieldIsRejectedListingTheKnownOnes() {
        Rejection rejection = rejection(decode(
                "{\"request_id\": \"r7\", \"input\": {\"prompt\": \"Hi\"}, \"generation\": {\"max_tokens\": 5}}"));

        assertThat(rejection.field()).isEqualTo("generation.max_tokens");
        assertThat(rejection.reason()).isEqualTo("generation.max_tokens is not a field of Generation, which has "
                + "[max_new_tokens, criterion, threshold, min_steps, max_steps, check_every, exit_in_prefill, "
                + "sampling, warm_start, init_scale, stop_token_ids, prefill_exit, total_steps_budget, strict_depth]");
        assertThat(rejection.requestId()).isEqualTo("r7");
    }

    @Test
    void flatPromptIsRejectedPointingAtTheRequestFields() {
        Rejection rejection = rejection(decode("{\"request_id\": \"r\", \"prompt\": \"Hi\"}"));

        assertThat(rejection.field()).isEqualTo("prompt");
        assertThat(rejection.reason()).isEqualTo("prompt is not a field of PromptRequest, which has [request_id, "
                + "input, generation, deadline_ms, metadata, cancel]");
    }

    @Test
    void duplicateFieldIsRejected() {
        Rejection rejection = rejection(decode(
                "{\"request_id\": \"a\", \"request_id\": \"b\", \"input\": {\"prompt\": \"Hi\"}}"));

        assertThat(rejection.field()).isEqualTo("request_id");
        assertThat(rejection.reason()).isEqualTo("request_id appears twice");
    }

    @Test
    void wrongTypeIsRejectedWithTheValue() {
        Rejection rejection = rejection(decode(
                "{\"request_id\": \"r\", \"input\": {\"prompt\": \"Hi\"}, \"generation\": {\"max_new_tokens\": \"10\"}}"));

        assertThat(rejection.field()).isEqualTo("generation.max_new_tokens");
        assertThat(rejection.reason()).isEqualTo("generation.max_new_tokens must be an integer in [-2147483648, "
                + "2147483647] but was '10'");
    }

    @Test
    void fractionalIntIsRejected() {
        Rejection rejection = rejection(decode("{\"request_id\": \"r\", \"input\": {\"token_ids\": [1, 2.5]}}"));

        assertThat(rejection.field()).isEqualTo("input.token_ids[1]");
        assertThat(rejection.reason()).isEqualTo("input.token_ids[1] must be an integer in [-2147483648, 2147483647] "
                + "but was 2.5");
    }

    @Test
    void intOutOfRangeIsRejected() {
        Rejection rejection = rejection(decode(
                "{\"request_id\": \"r\", \"input\": {\"prompt\": \"Hi\"}, \"generation\": {\"min_steps\": 3e9}}"));

        assertThat(rejection.field()).isEqualTo("generation.min_steps");
        assertThat(rejection.reason()).isEqualTo("generation.min_steps must be an integer in [-2147483648, "
                + "2147483647] but was 3e9");
    }

    @Test
    void nullIsOnlyForOptionalFields() {
        Rejection rejection = rejection(decode("{\"request_id\": null, \"input\": {\"prompt\": \"Hi\"}}"));

        assertThat(rejection.field()).isEqualTo("request_id");
        assertThat(rejection.reason()).isEqualTo("request_id must be a string but was null");
    }

    @Test
    void aNumericRequestIdIsNotAString() {
        Rejection rejection = rejection(decode("{\"request_id\": 42, \"input\": {\"prompt\": \"Hi\"}}"));

        assertThat(rejection.field()).isEqualTo("request_id");
        assertThat(rejection.reason()).isEqualTo("request_id must be a string but was 42");
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
