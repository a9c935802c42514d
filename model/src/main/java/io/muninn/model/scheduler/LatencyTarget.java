package io.muninn.model.scheduler;

import io.muninn.model.exit.Relaxation;

/**
 * Settings of a {@link LatencyTargetController}.
 *
 * @param targetTpotNanos the time per output token to hold (the mean gap between two tokens of one request), > 0
 * @param windowNanos     how far back the measured TPOT looks, > 0
 * @param dwellNanos      the least time between two stage changes, >= 0, so one burst moves one stage at a time
 * @param restoreBelow    a stage is lifted once the measured TPOT falls below {@code restoreBelow x target}, in (0, 1):
 *                        the gap between raising at the target and lowering below it is the hysteresis
 * @param maxStage        the highest stage, in [0, {@link Relaxation#MAX_STAGE}]; 0 never relaxes
 */
public record LatencyTarget(long targetTpotNanos, long windowNanos, long dwellNanos, double restoreBelow,
        int maxStage) {
    public static final long DEFAULT_WINDOW_NANOS = 2_000_000_000L;
    public static final long DEFAULT_DWELL_NANOS = 500_000_000L;
    public static final double DEFAULT_RESTORE_BELOW = 0.8;

    public LatencyTarget {
        nanos("TPOT target", targetTpotNanos, false);
        nanos("TPOT window", windowNanos, false);
        nanos("stage dwell", dwellNanos, true);
        if (!(restoreBelow > 0 && restoreBelow < 1)) {
            throw new IllegalArgumentException("restore fraction must be in (0, 1) but was " + restoreBelow);
        }
        if (maxStage < 0 || maxStage > Relaxation.MAX_STAGE) {
            throw new IllegalArgumentException(String.format(
                    "max relaxation stage must be in [0, %s] but was %s", Relaxation.MAX_STAGE, maxStage));
        }
    }

    /** A target with the default window, dwell, restore fraction and every stage. */
    public static LatencyTarget of(long targetTpotNanos) {
        return new LatencyTarget(targetTpotNanos, DEFAULT_WINDOW_NANOS, DEFAULT_DWELL_NANOS, DEFAULT_RESTORE_BELOW,
                Relaxation.MAX_STAGE);
    }

    private static void nanos(String what, long value, boolean zeroAllowed) {
        if (value < (zeroAllowed ? 0 : 1)) {
            throw new IllegalArgumentException(
                    what + " must be " + (zeroAllowed ? ">= 0" : "> 0") + " ns but was " + value);
        }
    }
}
