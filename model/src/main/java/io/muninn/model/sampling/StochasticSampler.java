package io.muninn.model.sampling;

import io.muninn.model.rng.CounterRng;

/**
 * Sampling from the filtered distribution, in float64 from fp32 logits, exactly as the README's "Sampling" section
 * states (the reference's {@code _sample_next_token}):
 * <ol>
 *   <li>{@code p = softmax(logits / temperature)};</li>
 *   <li>top-k ({@code topK > 0}): zero every {@code p} below the k-th largest;</li>
 *   <li>top-p ({@code topP < 1}): sort descending, stable by index; remove every token whose cumulative
 *       probability exceeds {@code topP}, always keeping the first (so the token that crosses the threshold goes,
 *       unlike Hugging Face's {@code TopPLogitsWarper}); the cumulative sum is over the top-k output as is, not
 *       renormalised;</li>
 *   <li>min-p ({@code minP > 0}): zero every {@code p < minP · max p};</li>
 *   <li>renormalise by the sum clamped at 1e-10;</li>
 *   <li>with {@code u = CounterRng.uniform(seed, STREAM_SAMPLE, tokenIndex, 0)}, the first index in vocabulary order
 *       whose running sum exceeds {@code u · sum}, else the last index with {@code p > 0}.</li>
 * </ol>
 * All sums run in vocabulary order except top-p's, which runs in the sorted order. Costs O(V) plus, with top-k,
 * O(V log k) and, with top-p, O(V + m log V) for the m tokens kept; no boxing, and per-thread buffers instead of
 * per-token allocation.
 *
 * @param temperature divides the logits; a finite number > 0
 * @param topK        tokens kept by top-k, >= 0; 0 turns it off
 * @param topP        nucleus mass, in (0, 1]; 1 turns it off
 * @param minP        fraction of the largest probability a token needs, in [0, 1); 0 turns it off
 */
public record StochasticSampler(double temperature, int topK, double topP, double minP) implements Sampler {

    public StochasticSampler {
        checkTemperature(temperature);
        checkFilters(topK, topP, minP);
    }

    static void checkTemperature(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException(
                    "temperature must be a finite number > 0 but was " + temperature
                            + "; use greedy decoding for temperature 0");
        }
    }

    static void checkFilters(int topK, double topP, double minP) {
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0 (0 turns it off) but was " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1] (1 turns it off) but was " + topP);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new IllegalArgumentException("min_p must be in [0, 1) (0 turns it off) but was " + minP);
        }
    }

    @Override
    public int sample(float[] logits, long seed, long tokenIndex) {
        Distribution.requireNonEmpty(logits);
        int n = logits.length;
        Distribution buffers = Distribution.buffers(n);
        double[] q = buffers.probabilities;
        double total = filtered(logits, buffers, q);
        double u = CounterRng.uniform(seed, CounterRng.STREAM_SAMPLE, tokenIndex, 0);
        return Distribution.draw(q, n, total, u);
    }

    /**
     * The renormalised filtered distribution this sampler draws from (steps 1-5), one probability per logit. For
     * inspection and reporting; {@link #sample} does not allocate it.
     */
    public double[] probabilities(float[] logits) {
        Distribution.requireNonEmpty(logits);
        double[] q = new double[logits.length];
        filtered(logits, Distribution.buffers(0), q);
        return q;
    }

    /** Steps 1-5 into {@code q}; returns the running total of the renormalised probabilities. */
    private double filtered(float[] logits, Distribution buffers, double[] q) {
        int n = logits.length;
        Distribution.softmax(logits, temperature, q);
        if (topK > 0 && topK < n) {
            buffers.topK(q, n, topK);
        }
        if (topP < 1) {
            buffers.topP(q, n, topP);
        }
        if (minP > 0) {
            Distribution.minP(q, n, minP);
        }
        return Distribution.renormalise(q, n);
    }
}
