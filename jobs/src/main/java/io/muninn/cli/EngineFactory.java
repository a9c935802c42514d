package io.muninn.cli;

import io.muninn.model.engine.EngineOptions;
import io.muninn.model.engine.RecurrentDepthEngine;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.weights.ModelWeights;

/** Builds an engine sized for one command's sequences. */
final class EngineFactory {
    private EngineFactory() {}

    static RecurrentDepthEngine forSequence(ModelWeights weights, String kv, int maxSteps, int positions) {
        long budget = RecurrentDepthEngine.kvBytesFor(weights.config(), kv, maxSteps, EngineOptions.DEFAULT_BLOCK_TOKENS, positions);
        return new RecurrentDepthEngine(weights, new Nd4jKernels(),
                new EngineOptions(kv, maxSteps, budget, EngineOptions.DEFAULT_BLOCK_TOKENS));
    }
}
