package io.muninn.model.sampling;

/** Greedy decoding: the first index of the maximum logit. Ignores the seed. */
public record GreedySampler() implements Sampler {

    /** @throws IllegalArgumentException for empty logits or a NaN logit, naming its index */
    @Override
    public int sample(float[] logits, long seed, long tokenIndex) {
        Distribution.requireNonEmpty(logits);
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < logits.length; v++) {
            float x = logits[v];
            if (x != x) {
                throw new IllegalArgumentException(
                        "logits[" + v + "] must not be NaN: greedy decoding cannot rank a NaN logit");
            }
            if (x > bestValue) {
                bestValue = x;
                best = v;
            }
        }
        return best;
    }
}
