package io.muninn.model.scheduler;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * Depth that bends to a latency target (issue 16): measures the time per output token over a sliding window and
 * moves the relaxation stage ({@link io.muninn.model.exit.Relaxation}) one step at a time: up while the mean TPOT of the
 * window exceeds the target, down while it is below {@code restoreBelow x target} or no token was measured (no load),
 * at most one change per dwell. Pure: the clock is injected and the scheduler drives it ({@link #recordTpot} for
 * every token after a request's first, {@link #update} once per micro-batch).
 */
public final class LatencyTargetController {
    private final LatencyTarget target;
    private final LongSupplier nanoClock;
    private final ArrayDeque<long[]> window = new ArrayDeque<>(); // {at, tpot}
    private long windowSum;
    private int stage;
    private long lastChange;

    public LatencyTargetController(LatencyTarget target, LongSupplier nanoClock) {
        this.target = target;
        this.nanoClock = nanoClock;
        this.lastChange = nanoClock.getAsLong() - target.dwellNanos();
    }

    public LatencyTarget target() {
        return target;
    }

    /** The injected clock's present time, in nanoseconds: the clock token gaps are measured with. */
    public long nanoTime() {
        return nanoClock.getAsLong();
    }

    /** Records the gap between two consecutive tokens of one request, in nanoseconds. */
    public void recordTpot(long tpotNanos) {
        window.addLast(new long[] {nanoClock.getAsLong(), tpotNanos});
        windowSum += tpotNanos;
    }

    /** Re-evaluates the stage at the clock's present time and returns it. */
    public int update() {
        long now = nanoClock.getAsLong();
        while (!window.isEmpty() && window.peekFirst()[0] < now - target.windowNanos()) {
            windowSum -= window.pollFirst()[1];
        }
        if (now - lastChange < target.dwellNanos()) {
            return stage;
        }
        double measured = measuredTpotNanos();
        if (measured > target.targetTpotNanos() && stage < target.maxStage()) {
            stage++;
            lastChange = now;
        } else if (stage > 0 && (window.isEmpty() || measured < target.restoreBelow() * target.targetTpotNanos())) {
            stage--;
            lastChange = now;
        }
        return stage;
    }

    /** The stage in force since the last {@link #update}. */
    public int stage() {
        return stage;
    }

    /** Mean TPOT of the window as of the last {@link #update} (or record), in nanoseconds; 0 when it is empty. */
    public double measuredTpotNanos() {
        return window.isEmpty() ? 0 : (double) windowSum / window.size();
    }
}
