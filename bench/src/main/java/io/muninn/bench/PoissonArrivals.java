package io.muninn.bench;

import java.util.SplittableRandom;

/**
 * Seeded Poisson arrivals: exponential gaps between requests. The gaps are drawn once at rate 1 and scaled by
 * 1 / rate, so every rate of a sweep sees the same pattern of bursts and lulls, stretched or compressed (common
 * random numbers: differences between rates come from the rate, not from a different draw).
 */
final class PoissonArrivals {
    private PoissonArrivals() {}

    /** Arrival times in seconds after the start, one per request, non-decreasing; the first after one gap. */
    static double[] unitRateSeconds(int requests, long seed) {
        if (requests < 1) {
            throw new IllegalArgumentException("requests must be >= 1 but was " + requests);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] out = new double[requests];
        double t = 0;
        for (int i = 0; i < requests; i++) {
            t += -Math.log(1.0 - random.nextDouble()); // nextDouble is in [0, 1): the log's argument stays positive
            out[i] = t;
        }
        return out;
    }

    /** Arrival times in nanoseconds after the start at {@code rate} requests per second. */
    static long[] offsetsNanos(int requests, double rate, long seed) {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be a finite number of requests per second > 0 but was " + rate);
        }
        double[] unit = unitRateSeconds(requests, seed);
        long[] out = new long[requests];
        for (int i = 0; i < requests; i++) {
            out[i] = Math.round(unit[i] / rate * 1e9);
        }
        return out;
    }
}
