package io.muninn.bench;

/**
 * When one request arrived and when each of its tokens reached the caller, in nanoseconds on one clock.
 * TTFT is first token minus arrival (queueing and prefill included); TPOT is the mean gap between its tokens after
 * the first, (last - first) / (tokens - 1), undefined (NaN) for a one-token answer; end to end is last token minus
 * arrival: the request is complete when its last token is out.
 */
record RequestTiming(long arrivalNanos, long[] tokenNanos) {

    RequestTiming {
        if (tokenNanos.length == 0) {
            throw new IllegalArgumentException("a finished request has at least one token but this one has none");
        }
        tokenNanos = tokenNanos.clone();
        for (int i = 0; i < tokenNanos.length; i++) {
            long previous = i == 0 ? arrivalNanos : tokenNanos[i - 1];
            if (tokenNanos[i] < previous) {
                throw new IllegalArgumentException("token " + i + " at " + tokenNanos[i] + " ns comes before "
                        + (i == 0 ? "the arrival" : "token " + (i - 1)) + " at " + previous + " ns");
            }
        }
    }

    int tokens() {
        return tokenNanos.length;
    }

    double ttftMs() {
        return (tokenNanos[0] - arrivalNanos) / 1e6;
    }

    double tpotMs() {
        int n = tokenNanos.length;
        return n < 2 ? Double.NaN : (tokenNanos[n - 1] - tokenNanos[0]) / 1e6 / (n - 1);
    }

    double e2eMs() {
        return (tokenNanos[tokenNanos.length - 1] - arrivalNanos) / 1e6;
    }

    long finishNanos() {
        return tokenNanos[tokenNanos.length - 1];
    }
}
