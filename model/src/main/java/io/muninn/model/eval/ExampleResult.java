package io.muninn.model.eval;

/**
 * What the model generated for one example under one setting.
 *
 * @param example   the example
 * @param tokens    generated ids, up to and including the first stop token, at most {@code answer_ids} long
 * @param exitSteps recurrence steps of each generated token; entry 0 is the prefill's
 */
public record ExampleResult(EvalExample example, int[] tokens, int[] exitSteps) {

    /** Exact match: the generated ids, stop token included, equal {@code answer_ids}. */
    public boolean correct() {
        return java.util.Arrays.equals(tokens, example.answerIds());
    }
}
