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
    private long callReplays;

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

    void recordLockstepReplay(int positions, long nanos) {
        lockstepReplays++;
        lockstepPositions += positions;
        lockstepNanos += nanos;
    }

    void recordCallReplay() {
        callReplays++;
    }

    /** Sequences rebuilt by one lockstep replay (model/README.md, "Replay"). */
    public long lockstepReplays() {
        return lockstepReplays;
    }

    /** Positions those lockstep replays rebuilt. */
    public long lockstepReplayedPositions() {
        return lockstepPositions;
    }

    /** Wall time spent in lockstep replays, in nanoseconds (the replay time after a restore). */
    public long lockstepReplayNanos() {
        return lockstepNanos;
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

    /** Entries (decode rows and prefill chunks) stepped, summed over micro-batches. */
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
