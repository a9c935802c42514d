package io.muninn.model.sampling;

/**
 * A request's sampling settings as a user gives them, validated on construction; {@link #toSampler()} turns them into
 * the strategy once.
 *
 * @param greedy      take the argmax ({@code do_sample = false}); the other settings are then unused, but still
 *                    checked, except that temperature may be 0
 * @param temperature divides the logits; finite and > 0 when sampling, >= 0 when greedy
 * @param topK        tokens kept by top-k, >= 0; 0 turns it off
 * @param topP        nucleus mass, in (0, 1]; 1 turns it off
 * @param minP        fraction of the largest probability a token needs, in [0, 1); 0 turns it off
 */
public record SamplingParams(boolean greedy, double temperature, int topK, double topP, double minP) {

    public SamplingParams {
        if (greedy) {
            if (!(temperature >= 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException(
                        "temperature must be a finite number >= 0 but was " + temperature);
            }
        } else {
            StochasticSampler.checkTemperature(temperature);
        }
        StochasticSampler.checkFilters(topK, topP, minP);
    }

    /** Greedy decoding, with every filter off. */
    public static SamplingParams greedyDecoding() {
        return new SamplingParams(true, 1.0, 0, 1.0, 0.0);
    }

    /** Sampling at {@code temperature} with the given filters (0, 1.0 and 0.0 turn them off). */
    public static SamplingParams sampling(double temperature, int topK, double topP, double minP) {
        return new SamplingParams(false, temperature, topK, topP, minP);
    }

    /** The sampler these settings describe. */
    public Sampler toSampler() {
        return greedy ? new GreedySampler() : new StochasticSampler(temperature, topK, topP, minP);
    }
}
