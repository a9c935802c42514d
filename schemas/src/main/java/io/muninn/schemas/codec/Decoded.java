package io.muninn.schemas.codec;

import io.muninn.schemas.PromptRequest;

/**
 * The outcome of decoding one prompts-topic record value: an {@link Accepted} request or a {@link Rejected} record.
 * Decoding checks the encoding and the field types; {@code RequestValidator} checks the values.
 */
public sealed interface Decoded permits Decoded.Accepted, Decoded.Rejected {

    /** A request that decoded; its values are not yet validated. */
    record Accepted(PromptRequest request, PayloadFormat format) implements Decoded {
    }

    /** A record value that did not decode. */
    record Rejected(Rejection rejection) implements Decoded {
    }
}
