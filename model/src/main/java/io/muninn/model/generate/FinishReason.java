package io.muninn.model.generate;

/** Why a sequence ended. */
public enum FinishReason {
    /** A stop token was generated. */
    STOP,
    /** {@code max_new_tokens} were generated. */
    LENGTH,
    /** The request's deadline passed. */
    DEADLINE,
    /** The request was cancelled. */
    CANCELLED,
    /** The request failed. */
    ERROR
}
