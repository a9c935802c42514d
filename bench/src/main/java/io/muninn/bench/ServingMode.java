package io.muninn.bench;

/** One way of serving the benchmark's requests: it drives a {@link ServingRun} until every request has finished. */
interface ServingMode {
    String name();

    /** Starts {@code run}'s clock and serves every request as it arrives. */
    void serve(ServingRun run);
}
