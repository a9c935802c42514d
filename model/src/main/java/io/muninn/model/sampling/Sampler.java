package io.muninn.model.sampling;

/**
 * Chooses the next token from the fp32 logits of the last position once the token has exited. A sampler
 * is immutable and thread-safe, and its choice is a pure function of {@code (logits, seed, tokenIndex)}: the random
 * draw is {@code CounterRng.uniform(seed, STREAM_SAMPLE, tokenIndex, 0)}, so a restart or a different batch never
 * changes the token.
 */
public sealed interface Sampler permits GreedySampler, StochasticSampler {

    /**
     * The chosen token id, an index into {@code logits}.
     *
     * @param logits     fp32 logits of the last position, one per vocabulary entry; not modified
     * @param seed       the request's seed
     * @param tokenIndex 0-based index of the generated token within the request
     */
    int sample(float[] logits, long seed, long tokenIndex);
}
