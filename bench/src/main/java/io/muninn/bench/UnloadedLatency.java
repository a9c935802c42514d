package io.muninn.bench;

import java.util.List;

/**
 * A model's unloaded latency, which the serving and depth benchmarks scale into their SLO: the median TTFT and TPOT
 * of the first {@code requests} requests, each served alone (step-level; alone, every mode does the same work).
 * The requests differ in difficulty (a random model's mean exit per request spreads from 8 to about 28 steps of 32),
 * so the median of a few is a draw; {@link #CALIBRATION_REQUESTS} of them keep it near the mix's own median.
 */
record UnloadedLatency(int requests, double ttftMs, double tpotMs) {
    /** How many requests the median is taken over (fewer when the mix has fewer). */
    static final int CALIBRATION_REQUESTS = 9;

    static UnloadedLatency measure(ServingMode stepLevel, List<BenchRequest> requests, RunClock clock) {
        int k = Math.min(CALIBRATION_REQUESTS, requests.size());
        double[] ttft = new double[k];
        double[] tpot = new double[k];
        for (int i = 0; i < k; i++) {
            RequestTiming t = ServingBenchmark.serve(stepLevel, List.of(requests.get(i)), new long[1], clock).timings().get(0);
            ttft[i] = t.ttftMs();
            tpot[i] = t.tpotMs();
        }
        return new UnloadedLatency(k, ServingSummary.percentile(ttft, 50), ServingSummary.percentile(tpot, 50));
    }

    /**
     * The stated SLO: {@code ttftMs} and {@code tpotMs} where given (not NaN), else {@code ttftScale} and
     * {@code tpotScale} times the unloaded latency; with only one-token answers (no TPOT) the TPOT bound is as loose
     * as the TTFT bound.
     */
    Slo slo(double ttftScale, double tpotScale, double ttftMs, double tpotMs, double attainment) {
        double ttft = Double.isNaN(ttftMs) ? ttftScale * this.ttftMs : ttftMs;
        double tpot = !Double.isNaN(tpotMs) ? tpotMs : Double.isNaN(this.tpotMs) ? ttft : tpotScale * this.tpotMs;
        return new Slo(ttft, tpot, attainment);
    }
}
