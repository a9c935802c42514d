package io.muninn.sql;

/**
 * What one row's generation produced.
 *
 * @param answer       the generated text (special tokens skipped); empty for a rejected row
 * @param exitSteps    the recurrence step each generated token exited at
 * @param totalSteps   the recurrence steps of all generated tokens ({@code SequenceOutcome.totalSteps()})
 * @param finishReason stop, length, deadline, cancelled, error: ..., or rejected: ...
 * @param promptTokens the prompt's length in tokens (0 when rejected before tokenizing)
 */
public record RowResult(String answer, int[] exitSteps, int totalSteps, String finishReason, int promptTokens) {

    /** Recurrence steps per generated token; 0 when none was generated. */
    public double meanSteps() {
        return exitSteps.length == 0 ? 0 : (double) totalSteps / exitSteps.length;
    }

    static RowResult rejected(String reason) {
        return new RowResult("", new int[0], 0, "rejected: " + reason, 0);
    }
}
