package io.muninn.schemas.codec;

import static io.muninn.schemas.codec.Rejections.accepted;
import static io.muninn.schemas.codec.Rejections.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.schemas.Fixtures;
import io.muninn.schemas.PromptRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadLimitTest {

    /** A JSON request whose payload is exactly {@code bytes} long, padded inside the prompt. */
    private static byte[] jsonOfLength(int bytes) {
        String head = "{\"request_id\":\"big\",\"input\":{\"prompt\":\"";
        String tail = "\"}}";
        return (head + "a".repeat(bytes - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void tenMegabytePayloadIsRejectedBeforeParsing() {
        byte[] payload = new byte[10 * 1024 * 1024];
        payload[0] = '{';   // the rest is not even JSON: it is never looked at

        Rejection rejection = rejection(PromptCodec.create().decode(payload));

        assertThat(rejection.field()).isEqualTo("payload");
        assertThat(rejection.reason()).isEqualTo("payload must be at most 1048576 bytes but was 10485760 bytes");
    }

    @Test
    void payloadAtTheLimitIsRead() {
        PromptRequest request = accepted(PromptCodec.create().decode(jsonOfLength(1024 * 1024)), PayloadFormat.JSON);

        assertThat(request.getInput().getPrompt().length()).isEqualTo(1024 * 1024 - 42);
    }

    @Test
    void oneByteOverALowerLimitIsRejectedForAvroToo() {
        byte[] avro = SingleObjectEncoding.encode(Fixtures.fullRequest());
        PromptCodec codec = PromptCodec.builder().maxPayloadBytes(avro.length - 1).build();

        Rejection rejection = rejection(codec.decode(avro));

        assertThat(rejection.reason()).isEqualTo(String.format("payload must be at most %s bytes but was %s bytes",
                avro.length - 1, avro.length));
        assertThat(accepted(PromptCodec.builder().maxPayloadBytes(avro.length).build().decode(avro),
                PayloadFormat.AVRO)).isEqualTo(Fixtures.fullRequest());
    }

    @Test
    void emptyAndNullPayloadsAreRejected() {
        assertThat(rejection(PromptCodec.create().decode(new byte[0])).reason()).isEqualTo("payload is empty "
                + "(0 bytes); a prompt must be an Avro single-object encoded PromptRequest or a JSON object");
        assertThat(rejection(PromptCodec.create().decode(null)).reason()).isEqualTo("payload is empty (null); a "
                + "prompt must be an Avro single-object encoded PromptRequest or a JSON object");
    }

    @Test
    void limitBelowAnAvroHeaderIsRefused() {
        assertThatThrownBy(() -> PromptCodec.builder().maxPayloadBytes(9).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPayloadBytes must be >= 10 (an Avro single-object header) but was 9");
    }

    @Test
    void defaultLimitIsOneMebibyte() {
        assertThat(PromptCodec.create().maxPayloadBytes()).isEqualTo(1024 * 1024);
    }
}
