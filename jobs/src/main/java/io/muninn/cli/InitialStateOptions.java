package io.muninn.cli;

import picocli.CommandLine.Option;

/** Where a sequence's recurrent state starts (logits, trace, eval): its scale and the request seed. */
final class InitialStateOptions {
    @Option(names = "--init-scale", defaultValue = "1.0", description = "Scale of the random initial state; 0 starts "
            + "from zeros (default: ${DEFAULT-VALUE}).")
    double initScale;

    @Option(names = "--seed", defaultValue = "0", description = "Request seed: the initial states and any sampling "
            + "draws derive from it (default: ${DEFAULT-VALUE}).")
    long seed;
}
