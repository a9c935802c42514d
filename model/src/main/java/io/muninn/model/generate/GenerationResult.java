package io.muninn.model.generate;

/**
 * The outcome of one sequence: per generated token its id, the recurrence steps it took and the exit criterion's
 * last value (NaN when no check ran).
 */
public record GenerationResult(int[] tokens, int[] exitSteps, double[] criterionValues, FinishReason finishReason) {

    /** The result of a sequence whose tokens are in {@code record}, copied once. */
    public static GenerationResult of(TokenRecord record, FinishReason finishReason) {
        return new GenerationResult(record.tokens(), record.exitSteps(), record.criterionValues(), finishReason);
    }

    /** Mean recurrence steps per generated token. */
    public double meanSteps() {
        double sum = 0;
        for (int s : exitSteps) {
            sum += s;
        }
        return exitSteps.length == 0 ? 0 : sum / exitSteps.length;
    }
}
