package io.muninn.schemas.codec;

import static io.muninn.schemas.codec.Rejections.accepted;
import static io.muninn.schemas.codec.Rejections.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.schemas.Cancellation;
import io.muninn.schemas.Fixtures;
import io.muninn.schemas.PromptInput;
import io.muninn.schemas.PromptRequest;
import io.muninn.schemas.validate.RequestLimits;
import io.muninn.schemas.validate.RequestValidator;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cancel records (schemas/README.md, "Cancelling a request") through the codec and the validator. */
class CancelCodecTest {
    private static final PromptCodec CODEC = PromptCodec.create();
    private static final RequestValidator VALIDATOR = new RequestValidator(
            new RequestLimits(4096, 65536, 4096, 32, Fixtures.CRITERIA));

    private static Decoded decode(String json) {
        return CODEC.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aJsonCancelNeedsOnlyItsRequestId() {
        PromptRequest read = accepted(decode("{\"request_id\": \"r1\", \"cancel\": true}"), PayloadFormat.JSON);

        assertThat(read).isEqualTo(Cancellation.of("r1"));
        assertThat(Cancellation.isCancel(read)).isTrue();
        assertThat(read.getInput()).as("an empty input, as an Avro cancel carries")
                .isEqualTo(PromptInput.newBuilder().build());
        assertThat(VALIDATOR.validate(read)).isEmpty();
    }

    @Test
    void anAvroCancelRoundTrips() {
        PromptRequest read = accepted(CODEC.decode(SingleObjectEncoding.encode(Cancellation.of("r2"))),
                PayloadFormat.AVRO);

        assertThat(read).isEqualTo(Cancellation.of("r2"));
        assertThat(VALIDATOR.validate(read)).isEmpty();
    }

    /** A client may flip cancel on the record it sent: the other fields are decoded but neither checked nor used. */
    @Test
    void aCancelCarryingAFullOrInvalidRequestIsStillACancel() {
        PromptRequest full = Fixtures.fullRequest();
        full.setCancel(true);
        full.getGeneration().setMaxNewTokens(0); // would be refused in a request to run
        PromptRequest read = accepted(decode(JsonRecordWriter.write(full)), PayloadFormat.JSON);

        assertThat(read).isEqualTo(full);
        assertThat(VALIDATOR.validate(read)).isEmpty();
    }

    /** Without cancel true a record still needs its input; cancel itself must be a boolean. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{\"request_id\": \"r3\", \"cancel\": false}|input|input is missing; it is required (it has no default)|r3",
        "{\"request_id\": \"r4\", \"cancel\": \"yes\"}|cancel|cancel must be true or false but was 'yes'|r4"
    })
    void rejectsARecordThatIsNoCancel(String json, String field, String reason, String requestId) {
        assertThat(rejection(decode(json))).isEqualTo(new Rejection(field, reason, requestId));
    }

    @Test
    void aCancelStillNeedsANonBlankRequestId() {
        Rejection missing = rejection(decode("{\"cancel\": true}"));
        assertThat(missing.field()).isEqualTo("request_id");

        Rejection blank = VALIDATOR.validate(accepted(decode("{\"request_id\": \" \", \"cancel\": true}"),
                PayloadFormat.JSON)).orElseThrow();
        assertThat(blank.field()).isEqualTo("request_id");
        assertThat(blank.reason()).isEqualTo("request_id must be a non-blank string but was ' '");
    }

    @Test
    void theJsonReaderRefusesToLeaveOutAFieldItDoesNotHave() {
        assertThatThrownBy(() -> new JsonRecordReader<>(PromptRequest.class, Set.of("inptu")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no top-level field inptu in PromptRequest");
    }

    @Test
    void aRequestIsNotACancelByDefault() {
        PromptRequest read = accepted(decode("{\"request_id\":\"r\",\"input\":{\"prompt\":\"Hi\"}}"),
                PayloadFormat.JSON);

        assertThat(read.getCancel()).isFalse();
        assertThat(Cancellation.isCancel(read)).isFalse();
    }
}
