package io.muninn.sql;

/**
 * What one row's generation produced.
 *
 * @param answer       the generated text (special tokens skipped); empty for a rejected row
 * @param exitSteps    the recurrence step each generated token exited at
 * @param finishReason stop, length, deadline, cancelled, error: ..., or rejected: ...
 * @param promptTokens the prompt's length in tokens (0 when rejected before tokenizing)
 */
public record RowResult(String answer, int[] exitSteps, String finishReason, int promptTokens) {

    public double meanSteps() {
        if (exitSteps.length == 0) {
            return 0;
        }
        long sum = 0;
        for (int s : exitSteps) {
            sum += s;
        }
        return (double) sum / exitSteps.length;
    }

    static RowResult rejected(String reason) {
        return new RowResult("", new int[0], "rejected: " + reason, 0);
    }
}
