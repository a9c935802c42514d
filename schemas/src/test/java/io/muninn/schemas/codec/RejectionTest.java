package io.muninn.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.muninn.schemas.RejectedRecord;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class RejectionTest {

    @Test
    void becomesARejectedRecord() {
        byte[] payload = {1, 2, 3};
        Rejection rejection = new Rejection("generation.top_p", "generation.sampling.top_p must be ...", "r9");

        RejectedRecord record = rejection.toRecord("prompts", 3, 42L, payload, 1_700_000_000_000L);

        assertThat(record.getSourceTopic()).isEqualTo("prompts");
        assertThat(record.getPartition()).isEqualTo(3);
        assertThat(record.getOffset()).isEqualTo(42L);
        assertThat(record.getRequestId()).isEqualTo("r9");
        assertThat(record.getField()).isEqualTo("generation.top_p");
        assertThat(record.getReason()).isEqualTo("generation.sampling.top_p must be ...");
        assertThat(record.getPayload()).isEqualTo(ByteBuffer.wrap(payload));
        assertThat(record.getPayloadSize()).isEqualTo(3L);
        assertThat(record.getRejectedAtMs()).isEqualTo(1_700_000_000_000L);
    }

    /** A payload as large as the prompts topic allows must still fit on the rejected topic. */
    @Test
    void keepsOnlyTheFirstBytesOfALargePayload() {
        byte[] payload = new byte[10 * 1024 * 1024];
        payload[0] = 7;

        RejectedRecord record = Rejection.of("payload", "too large").toRecord("prompts", 0, 0L, payload, 0L);

        assertThat(record.getPayload().remaining()).isEqualTo(64 * 1024);
        assertThat(record.getPayload().get(0)).isEqualTo((byte) 7);
        assertThat(record.getPayloadSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(record.getRequestId()).isNull();
    }

    @Test
    void aTombstoneIsKeptAsZeroBytes() {
        RejectedRecord record = Rejection.of("payload", "empty").toRecord("prompts", 0, 0L, null, 0L, 16);

        assertThat(record.getPayload().remaining()).isZero();
        assertThat(record.getPayloadSize()).isZero();
    }

    @Test
    void rejectedRecordsRoundTrip() throws RejectionException {
        RejectedRecord record = Rejection.of("input", "input must set ...").withRequestId("r")
                .toRecord("prompts", 1, 2L, new byte[] {9}, 3L);

        assertThat(new SingleObjectReader<>(RejectedRecord.class, java.util.List.of())
                .read(SingleObjectEncoding.encode(record))).isEqualTo(record);
    }

    @Test
    void blankRequestIdsAreNotAttributed() {
        assertThat(Rejection.of("f", "r").withRequestId(" ").requestId()).isNull();
        assertThat(Rejection.of("f", "r").withRequestId("id").requestId()).isEqualTo("id");
    }

    @Test
    void fieldAndReasonAreRequired() {
        assertThatThrownBy(() -> Rejection.of(null, "why"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a rejection needs a field and a reason but got field null and reason why");
        assertThatThrownBy(() -> Rejection.of("f", "r").toRecord("t", 0, 0L, new byte[0], 0L, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keptPayloadBytes must be >= 0 but was -1");
    }
}
