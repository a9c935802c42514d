package io.muninn.bench;

/**
 * A latency service-level objective: a request meets it when its TTFT is at most {@code ttftMs} and its TPOT at most
 * {@code tpotMs} (a one-token answer has no TPOT and is judged on TTFT alone); a run meets it when at least the
 * share {@code attainment} of its requests do.
 */
record Slo(double ttftMs, double tpotMs, double attainment) {

    Slo {
        if (!(ttftMs > 0) || Double.isInfinite(ttftMs)) {
            throw new IllegalArgumentException("SLO ttft_ms must be a finite number > 0 but was " + ttftMs);
        }
        if (!(tpotMs > 0) || Double.isInfinite(tpotMs)) {
            throw new IllegalArgumentException("SLO tpot_ms must be a finite number > 0 but was " + tpotMs);
        }
        if (!(attainment > 0 && attainment <= 1)) {
            throw new IllegalArgumentException("SLO attainment must be in (0, 1] but was " + attainment);
        }
    }

    boolean met(RequestTiming t) {
        double tpot = t.tpotMs();
        return t.ttftMs() <= ttftMs && (Double.isNaN(tpot) || tpot <= tpotMs);
    }
}
