package io.muninn.flink;

/**
 * The restore's replay time: from the restore until every restored request that had tokens produces new ones again
 * (or ends). Which requests it waits for is marked on their {@link RequestFacts}.
 */
final class ReplayTiming {
    private long startedAtMs;
    private int awaiting;

    void start(long nowMs) {
        startedAtMs = nowMs;
    }

    /** The restore waits for {@code f}'s first new token. */
    void await(RequestFacts f) {
        f.awaitingReplay = true;
        awaiting++;
    }

    int awaiting() {
        return awaiting;
    }

    /**
     * {@code f} produced a token or ended; returns the replay time in milliseconds when it was the last one the
     * restore waited for, -1 otherwise.
     */
    long settled(RequestFacts f, long nowMs) {
        if (!f.awaitingReplay) {
            return -1;
        }
        f.awaitingReplay = false;
        return --awaiting == 0 ? nowMs - startedAtMs : -1;
    }
}
