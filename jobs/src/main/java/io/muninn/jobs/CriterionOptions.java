package io.muninn.jobs;

import io.muninn.model.exit.ExitCriterion;
import picocli.CommandLine.Option;

/** The exit criterion and its threshold, one declaration for every command that takes them (trace, eval, annotate). */
public final class CriterionOptions {
    @Option(names = "--criterion", defaultValue = "kl", description = "Exit criterion: kl, minp-kl, entropy-diff, "
            + "latent-diff, cosine, argmax-stability; none = fixed depth where the command allows it (default: ${DEFAULT-VALUE}).")
    public String criterion;

    @Option(names = "--threshold", description = "Exit threshold (default: the criterion's; kl 5e-4 as in the paper).")
    public Double threshold;

    /** The criterion these options name, with the given threshold or the criterion's default. */
    public ExitCriterion exitCriterion() {
        return threshold == null ? ExitCriterion.withDefaultThreshold(criterion) : ExitCriterion.of(criterion, threshold);
    }
}
