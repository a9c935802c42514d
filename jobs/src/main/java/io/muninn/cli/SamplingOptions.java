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

    /** The filters left off the command line are off, as in {@link SamplingParams#greedyDecoding()}. */
    static final class Stochastic {
        @Option(names = "--temperature", required = true, description = "Sampling temperature > 0.")
        double temperature;

        @Option(names = "--top-k", description = "Keep the k most likely tokens; 0 = off.")
        Integer topK;

        @Option(names = "--top-p", description = "Nucleus sampling mass; 1 = off.")
        Double topP;

        @Option(names = "--min-p", description = "Drop tokens below min_p x the top probability; 0 = off.")
        Double minP;
    }

    /** The parameters {@code group} (null when no sampling option was given) describes. */
    static SamplingParams params(SamplingOptions group) {
        SamplingParams off = SamplingParams.greedyDecoding();
        if (group == null || group.stochastic == null) {
            return off;
        }
        Stochastic s = group.stochastic;
        return SamplingParams.sampling(s.temperature, s.topK != null ? s.topK : off.topK(),
                s.topP != null ? s.topP : off.topP(), s.minP != null ? s.minP : off.minP());
    }
}
