package io.muninn.model.scheduler;

/** Running counters of a scheduler: steps, rows, tokens, and the steps-per-token histogram. */
public final class SchedulerStats {
    private final long[] stepsHistogram;
    private long steps;
    private long rows;
    private long tokens;
    private long tokenSteps;
    private long preemptions;

    SchedulerStats(int maxSteps) {
        this.stepsHistogram = new long[maxSteps + 1];
    }

    void recordStep(int stepRows) {
        steps++;
        rows += stepRows;
    }

    void recordToken(int exitStep) {
        tokens++;
        tokenSteps += exitStep;
        stepsHistogram[Math.min(exitStep, stepsHistogram.length - 1)]++;
    }

    void recordPreemption() {
        preemptions++;
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
