package io.muninn.bench;

/** One way of serving the benchmark's requests: it drives a {@link ServingRun} until every request has finished. */
interface ServingMode {
    String name();

    /**
     * The work a run did, independent of how busy the machine was: micro-batch steps, and entries stepped summed over
     * steps (a decode row, a prefill chunk or a shadow row counts once per step).
     */
    record Work(long steps, long entrySteps) {}

    /** Starts {@code run}'s clock and serves every request as it arrives; returns the work done. */
    Work serve(ServingRun run);
}
