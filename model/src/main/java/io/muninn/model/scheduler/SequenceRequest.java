package io.muninn.model.scheduler;

import io.muninn.model.generate.GenerationParams;

/**
 * One sequence to generate.
 *
 * @param id             the request id, unique among live sequences
 * @param prompt         prompt token ids
 * @param params         generation parameters
 * @param deadlineMillis wall-clock deadline in epoch milliseconds; {@link Long#MAX_VALUE} for none
 */
public record SequenceRequest(String id, int[] prompt, GenerationParams params, long deadlineMillis) {

    public SequenceRequest {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("request id must not be blank");
        }
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt of request " + id + " must hold at least one token");
        }
        prompt = prompt.clone();
    }

    public static SequenceRequest of(String id, int[] prompt, GenerationParams params) {
        return new SequenceRequest(id, prompt, params, Long.MAX_VALUE);
    }
}
