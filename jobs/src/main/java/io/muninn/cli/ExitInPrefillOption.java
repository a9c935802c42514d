package io.muninn.cli;

import io.muninn.model.exit.ExitPolicy;
import picocli.CommandLine.Option;

/** Whether the exit criterion may end the prefill, for the commands that build their own exit policy (trace, eval). */
final class ExitInPrefillOption {
    @Option(names = "--exit-in-prefill", negatable = true, description = "Let the exit criterion end the prefill, "
            + "decided on the prompt's last position, so the first answer token runs adaptive steps like the others "
            + "(the default, as the reference's current code); --no-exit-in-prefill runs the prompt to max steps, as "
            + "in the paper.")
    Boolean exitInPrefill;

    /** The choice, {@link ExitPolicy#DEFAULT_EXIT_IN_PREFILL} when the option was not given. */
    boolean value() {
        return exitInPrefill != null ? exitInPrefill : ExitPolicy.DEFAULT_EXIT_IN_PREFILL;
    }
}
