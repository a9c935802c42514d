package io.muninn.bench;

/** One way of serving the benchmark's requests: it drives a {@link ServingRun} until every request has finished. */
interface ServingMode {
    String name();

    /**
     * The work a run did, independent of how busy the machine was: micro-batch steps, entries stepped summed over
     * steps (a decode row, a prefill chunk or a shadow row counts once per step), and rows stepped summed over steps
     * (a prefill chunk counts its positions: on a CPU a step's cost grows with its rows).
     */
    record Work(long steps, long entrySteps, long rowSteps) {}

    /** Starts {@code run}'s clock and serves every request as it arrives; returns the work done. */
    Work serve(ServingRun run);
}
