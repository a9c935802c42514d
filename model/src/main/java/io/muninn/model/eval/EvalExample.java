package io.muninn.model.eval;

/**
 * One line of an eval set.
 *
 * @param line       1-based line in the eval file, for messages
 * @param prompt     the prompt text
 * @param promptIds  the prompt's token ids, fed to the model as they are
 * @param answer     the expected answer text
 * @param answerIds  the expected generated ids, ending with a stop token: an answer is correct when the generated
 *                   ids (up to and including the first stop token) equal these exactly
 * @param difficulty the example's difficulty level
 */
public record EvalExample(int line, String prompt, int[] promptIds, String answer, int[] answerIds, int difficulty) {

    public EvalExample {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("eval example on line " + line + " has an empty prompt");
        }
        if (answerIds.length == 0) {
            throw new IllegalArgumentException("eval example on line " + line + " has empty answer_ids");
        }
        promptIds = promptIds.clone();
        answerIds = answerIds.clone();
    }
}
