package io.muninn.model.scheduler;

import io.muninn.model.generate.GenerationParams;

/**
 * One sequence to generate.
 *
 * @param id             the request id, unique among live sequences
 * @param prompt         prompt token ids
 * @param params         generation parameters
 * @param deadlineMillis wall-clock deadline in epoch milliseconds; {@link Long#MAX_VALUE} for none
 * @param depth          step budget and opt-out from latency relaxation; {@link DepthLimits#NONE} for neither
 */
public record SequenceRequest(String id, int[] prompt, GenerationParams params, long deadlineMillis,
        DepthLimits depth) {

    public SequenceRequest {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("request id must not be blank");
        }
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt of request " + id + " must hold at least one token");
        }
        if (depth == null) {
            throw new IllegalArgumentException("depth limits of request " + id + " must not be null; use DepthLimits.NONE");
        }
        if (depth.hasBudget()) {
            StepBudget.check(depth.totalStepsBudget(), params.exit(), params.maxNewTokens());
        }
        prompt = prompt.clone();
    }

    /** A request without a step budget or depth opt-out. */
    public SequenceRequest(String id, int[] prompt, GenerationParams params, long deadlineMillis) {
        this(id, prompt, params, deadlineMillis, DepthLimits.NONE);
    }

    public static SequenceRequest of(String id, int[] prompt, GenerationParams params) {
        return new SequenceRequest(id, prompt, params, Long.MAX_VALUE);
    }
}
