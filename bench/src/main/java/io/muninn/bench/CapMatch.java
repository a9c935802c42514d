package io.muninn.bench;

import java.util.List;

/**
 * The naive alternative to the latency target, made comparable: among runs with a fixed lower {@code max_steps} for
 * every request, the one whose p99 TPOT is closest to the controller's. Ties go to the larger cap (more depth, so the
 * fixed cap is given its best accuracy); candidates without a p99 TPOT (every answer one token) are skipped.
 */
final class CapMatch {
    private CapMatch() {}

    /** One fixed-cap run: its cap and what it measured. */
    record Candidate(int cap, double p99TpotMs, double throughput) {}

    /** The candidate whose p99 TPOT is closest to {@code targetP99TpotMs}. */
    static Candidate closest(List<Candidate> candidates, double targetP99TpotMs) {
        if (Double.isNaN(targetP99TpotMs)) {
            throw new IllegalArgumentException("target p99 TPOT must be a number but was NaN");
        }
        Candidate best = null;
        double bestGap = Double.POSITIVE_INFINITY;
        for (Candidate c : candidates) {
            if (Double.isNaN(c.p99TpotMs())) {
                continue;
            }
            double gap = Math.abs(c.p99TpotMs() - targetP99TpotMs);
            if (best == null || gap < bestGap || (gap == bestGap && c.cap() > best.cap())) {
                best = c;
                bestGap = gap;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("none of " + candidates.size() + " fixed-cap runs has a p99 TPOT to match");
        }
        return best;
    }
}
