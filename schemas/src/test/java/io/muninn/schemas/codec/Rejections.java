package io.muninn.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.schemas.PromptRequest;

/** Test helpers for decode outcomes. */
final class Rejections {
    private Rejections() {
    }

    static Rejection rejection(Decoded decoded) {
        assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
        return ((Decoded.Rejected) decoded).rejection();
    }

    static PromptRequest accepted(Decoded decoded, PayloadFormat format) {
        assertThat(decoded).isInstanceOf(Decoded.Accepted.class);
        Decoded.Accepted accepted = (Decoded.Accepted) decoded;
        assertThat(accepted.format()).isEqualTo(format);
        return accepted.request();
    }
}
