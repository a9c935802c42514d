package io.muninn.model.scheduler;

/**
 * The scheduler's bookkeeping for depth that bends: the relaxation stage of the micro-batch being formed (from the
 * latency target's controller, if any) and the monotonic clock token gaps are measured with. Each token's gap and
 * the highest stage a request's tokens ran under are kept on its {@link RequestLifecycle}; each token's policy is
 * chosen by {@link ActiveSequence} from the stage given here.
 */
final class DepthControl {
    private final LatencyTargetController latency;
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

    /** The clock a released token is stamped with: the latency controller's when there is one. */
    long nanoTime() {
        return latency == null ? System.nanoTime() : latency.nanoTime();
    }

    /** Feeds the latency target with the gap {@code l}'s last token closed, if it had a token before. */
    void onToken(RequestLifecycle l) {
        if (latency != null && l.lastTokenGapNanos() >= 0) {
            latency.recordTpot(l.lastTokenGapNanos());
        }
    }
}
