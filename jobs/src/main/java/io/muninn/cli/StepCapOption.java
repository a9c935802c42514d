package io.muninn.cli;

import io.muninn.model.config.ModelConfig;
import picocli.CommandLine.Option;

/** The recurrence steps per token at most (trace, kv): the model's {@code mean_recurrence} unless given. */
final class StepCapOption {
    @Option(names = "--max-steps", description = "Most recurrence steps per token (default: the config's mean_recurrence).")
    Integer maxSteps;

    /** The cap for {@code config}'s model. */
    int resolve(ModelConfig config) {
        return maxSteps != null ? maxSteps : config.meanRecurrence();
    }
}
