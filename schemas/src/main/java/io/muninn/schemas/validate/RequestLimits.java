package io.muninn.schemas.validate;

import java.util.List;

/**
 * What the serving side allows, given by the operator from its model and engine so that this module needs neither.
 *
 * @param blockSize      the model's {@code block_size}: prompt tokens + {@code max_new_tokens} may not exceed it
 * @param vocabSize      the model's vocabulary size: token ids must be in {@code [0, vocabSize)}
 * @param maxNewTokens   the largest {@code max_new_tokens} a request may ask for
 * @param maxSteps       the engine's maximum recurrence steps per token: the largest {@code max_steps}
 * @param criterionNames the exit criterion names the engine accepts, e.g. {@code ExitCriterion.NAMES}
 */
public record RequestLimits(int blockSize, int vocabSize, int maxNewTokens, int maxSteps,
        List<String> criterionNames) {

    public RequestLimits {
        positive("blockSize", blockSize);
        positive("vocabSize", vocabSize);
        positive("maxSteps", maxSteps);
        if (maxNewTokens < 1 || maxNewTokens > blockSize) {
            throw new IllegalArgumentException(String.format(
                    "maxNewTokens must be in [1, blockSize = %s] but was %s", blockSize, maxNewTokens));
        }
        if (criterionNames == null || criterionNames.isEmpty()) {
            throw new IllegalArgumentException(
                    "criterionNames must name at least one exit criterion but was " + criterionNames);
        }
        criterionNames = List.copyOf(criterionNames);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(String.format("%s must be >= 1 but was %s", name, value));
        }
    }
}
