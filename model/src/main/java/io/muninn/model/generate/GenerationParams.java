package io.muninn.model.generate;

import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.sampling.Sampler;
import java.util.Set;

/**
 * What one request asks of generation.
 *
 * @param maxNewTokens how many tokens at most to generate (≥ 1)
 * @param exit         exit criterion, min/max steps, check cadence, prefill rule
 * @param sampler      greedy or stochastic sampling, drawn per (seed, token index)
 * @param seed         the request's seed: initial states and sampling draws derive from it alone
 * @param initScale    scale of the random initial state; 0 starts from zeros
 * @param warmStart    start each decode row from the previous token's exit latent (continuous chain of thought)
 * @param stopTokens   token ids that end the sequence (the stop token is included in the output)
 */
public record GenerationParams(
        int maxNewTokens, ExitPolicy exit, Sampler sampler, long seed, double initScale, boolean warmStart,
        Set<Integer> stopTokens) {

    public GenerationParams {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max_new_tokens must be >= 1 but was " + maxNewTokens);
        }
        if (!(initScale >= 0) || Double.isInfinite(initScale)) {
            throw new IllegalArgumentException("init_scale must be a finite number >= 0 but was " + initScale);
        }
        stopTokens = Set.copyOf(stopTokens);
    }
}
