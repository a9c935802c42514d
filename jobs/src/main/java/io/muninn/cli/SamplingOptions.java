package io.muninn.cli;

import io.muninn.model.sampling.SamplingParams;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * How tokens are picked: greedy (the default) or sampled with a temperature and optional top-k, top-p and min-p.
 * Use it as {@code @ArgGroup(exclusive = true) SamplingOptions sampling;} (null when none of its options was given).
 */
public final class SamplingOptions {
    @Option(names = "--greedy", description = "Greedy decoding (the default).")
    boolean greedy;

    @ArgGroup(exclusive = false)
    Stochastic stochastic;

    static final class Stochastic {
        @Option(names = "--temperature", required = true, description = "Sampling temperature > 0.")
        double temperature;

        @Option(names = "--top-k", defaultValue = "0", description = "Keep the k most likely tokens; 0 = off.")
        int topK;

        @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling mass; 1 = off.")
        double topP;

        @Option(names = "--min-p", defaultValue = "0.0", description = "Drop tokens below min_p x the top probability; 0 = off.")
        double minP;
    }

    /** The parameters {@code group} (null when no sampling option was given) describes. */
    static SamplingParams params(SamplingOptions group) {
        return group == null || group.stochastic == null
                ? SamplingParams.greedyDecoding()
                : new SamplingParams(false, group.stochastic.temperature, group.stochastic.topK, group.stochastic.topP,
                        group.stochastic.minP);
    }
}
