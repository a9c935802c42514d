package io.muninn.model.scheduler;

import io.muninn.model.generate.FinishReason;

/**
 * How a sequence ended, with everything it generated.
 *
 * @param requestId       the sequence
 * @param reason          stop, length, deadline, cancelled or error
 * @param tokens          generated token ids
 * @param exitSteps       recurrence steps per generated token
 * @param criterionValues the exit criterion's last value per token (NaN when none)
 * @param promptTokens    prompt length
 * @param message         for errors, what went wrong; otherwise empty
 * @param budgetBound     whether its step budget capped a token ({@link StepBudget#anyBound}); false without one
 * @param depthStage      the highest latency relaxation stage any of its tokens ran under, restored tokens included
 *                        ({@link SequenceProgress#depthStage}); 0 when none (always for {@code strict_depth})
 *
 * <p>Built once, when the request ends, from its {@link RequestLifecycle}'s token record.
 */
public record SequenceOutcome(String requestId, FinishReason reason, int[] tokens, int[] exitSteps,
        double[] criterionValues, int promptTokens, String message, boolean budgetBound, int depthStage) {

    /** An outcome that no budget bound and no relaxation touched. */
    public SequenceOutcome(String requestId, FinishReason reason, int[] tokens, int[] exitSteps,
            double[] criterionValues, int promptTokens, String message) {
        this(requestId, reason, tokens, exitSteps, criterionValues, promptTokens, message, false, 0);
    }

    public int totalSteps() {
        int sum = 0;
        for (int s : exitSteps) {
            sum += s;
        }
        return sum;
    }
}
