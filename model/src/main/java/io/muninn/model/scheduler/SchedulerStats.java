package io.muninn.model.scheduler;

/** Running counters of a scheduler: steps, rows, tokens, the steps-per-token histogram, preemptions and replays. */
public final class SchedulerStats {
    private final long[] stepsHistogram;
    private long steps;
    private long rows;
    private long entries;
    private long tokens;
    private long tokenSteps;
    private long preemptions;
    private long lockstepReplays;
    private long lockstepPositions;
    private long lockstepNanos;
    private long replaySlices;
    private long callReplays;
    private long callReplayPositions;

    SchedulerStats(int maxSteps) {
        this.stepsHistogram = new long[maxSteps + 1];
    }

    void recordStep(int stepRows, int stepEntries) {
        steps++;
        rows += stepRows;
        entries += stepEntries;
    }

    void recordToken(int exitStep) {
        tokens++;
        tokenSteps += exitStep;
        stepsHistogram[Math.min(exitStep, stepsHistogram.length - 1)]++;
    }

    void recordPreemption() {
        preemptions++;
    }

    /** A slice of a lockstep replay ran for {@code nanos}, completing {@code positions} positions' KV. */
    void recordReplaySlice(int positions, long nanos) {
        replaySlices++;
        lockstepPositions += positions;
        lockstepNanos += nanos;
    }

    /** A sequence's lockstep replay completed. */
    void recordLockstepReplay() {
        lockstepReplays++;
    }

    void recordCallReplay() {
        callReplays++;
    }

    /** A replay call (call-by-call replay) exited, having rebuilt {@code positions} positions. */
    void recordCallReplayPositions(int positions) {
        callReplayPositions += positions;
    }

    /** Sequences rebuilt by a lockstep replay (model/README.md, "Replay"), counted when the replay completes. */
    public long lockstepReplays() {
        return lockstepReplays;
    }

    /**
     * Positions whose KV lockstep replays rebuilt, counted as each chunk of a replay completes (a replay abandoned by
     * preemption or a deadline keeps what it counted).
     */
    public long lockstepReplayedPositions() {
        return lockstepPositions;
    }

    /** Wall time spent in lockstep replay slices, in nanoseconds (the replay compute after a restore). */
    public long lockstepReplayNanos() {
        return lockstepNanos;
    }

    /** Lockstep replay slices run, each at most one step's worth of compute ({@code LockstepReplay#runSlice}). */
    public long replaySlices() {
        return replaySlices;
    }

    /** Positions rebuilt by replay of either kind: {@link #lockstepReplayedPositions} and those of replay calls. */
    public long replayedPositions() {
        return lockstepPositions + callReplayPositions;
    }

    /** Sequences rebuilt call by call (strategies or warm start where lockstep is not exact). */
    public long callReplays() {
        return callReplays;
    }

    public long steps() {
        return steps;
    }

    public long rows() {
        return rows;
    }

    public long tokens() {
        return tokens;
    }

    public long preemptions() {
        return preemptions;
    }

    /** Entries (decode rows, prefill chunks and replay slices) stepped, summed over micro-batches. */
    public long entrySteps() {
        return entries;
    }

    /** Mean rows per micro-batch. */
    public double meanRows() {
        return steps == 0 ? 0 : (double) rows / steps;
    }

    /** Mean recurrence steps per released token. */
    public double meanStepsPerToken() {
        return tokens == 0 ? 0 : (double) tokenSteps / tokens;
    }

    /** Tokens released with exactly i recurrence steps, for i in [0, maxSteps]. */
    public long[] stepsHistogram() {
        return stepsHistogram.clone();
    }
}
