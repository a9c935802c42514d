package io.muninn.model.scheduler;

import io.muninn.model.exit.DepthProfile;

/**
 * The scheduler's bookkeeping for depth that bends: the relaxation stage of the micro-batch being formed (from the
 * latency target's controller, if any) and the monotonic clock token gaps are measured with. Each token's gap and
 * the highest stage a request's tokens ran under are kept on its {@link RequestLifecycle}; each token's policy is
 * chosen by {@link ActiveSequence} from the stage and the {@link DepthProfile} given here: the depth recent unrelaxed
 * tokens used ({@link UnrelaxedExits}), which the step-cap stages follow.
 */
final class DepthControl {
    private final LatencyTargetController latency;
    private final UnrelaxedExits unrelaxed = new UnrelaxedExits(UnrelaxedExits.DEFAULT_SIZE);
    private int stage;

    /** @param latency the latency target's controller; null for none (stage 0 always, gaps on the system clock) */
    DepthControl(LatencyTargetController latency) {
        this.latency = latency;
    }

    /** Re-evaluates the stage before a micro-batch and returns it. */
    int update() {
        stage = latency == null ? 0 : latency.update();
        return stage;
    }

    int stage() {
        return stage;
    }

    /** The depth recent unrelaxed tokens used; {@link DepthProfile#NONE} before any (or without a target). */
    DepthProfile profile() {
        return unrelaxed.profile();
    }

    /** The clock a released token is stamped with: the latency controller's when there is one. */
    long nanoTime() {
        return latency == null ? System.nanoTime() : latency.nanoTime();
    }

    /**
     * Feeds the latency target with the gap {@code l}'s last token closed, if it had a token before and no preemption
     * fell in between (that wait is KV pressure, which relaxing depth does not relieve), and the depth
     * window with its exit step when it ran unrelaxed ({@code stage} 0) and without a step budget (whose cap is the
     * request's, not the model's).
     */
    void onToken(RequestLifecycle l, int exitStep, int stage) {
        if (latency == null) {
            return;
        }
        if (l.lastTokenGapNanos() >= 0 && !l.lastGapSpansPreemption()) {
            latency.recordTpot(l.lastTokenGapNanos());
        }
        if (stage == 0 && !l.request().depth().hasBudget()) {
            unrelaxed.add(exitStep);
        }
    }
}
