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
 */
public record SequenceOutcome(String requestId, FinishReason reason, int[] tokens, int[] exitSteps,
        double[] criterionValues, int promptTokens, String message) {

    public int totalSteps() {
        int sum = 0;
        for (int s : exitSteps) {
            sum += s;
        }
        return sum;
    }
}
