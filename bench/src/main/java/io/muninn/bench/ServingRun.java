package io.muninn.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One open-loop run in real time: requests arrive at their offsets from the start on the wall clock, whatever the
 * engine is doing. A mode's loop asks which requests have arrived between its own steps (a server's request
 * thread hands requests over at the same points: the engine is single-threaded and takes new work only between
 * steps), sleeps until the next arrival when it has nothing to do, and reports each token the moment it is out.
 * A request's latency counts from its scheduled arrival, so time spent waiting for a step to end is queueing time.
 * Times are read from a {@link RunClock}: the wall clock, or the serving thread's CPU time plus its idle gaps.
 */
final class ServingRun {
    private final List<BenchRequest> requests;
    private final long[] arrivals;
    private final List<List<Long>> tokenTimes = new ArrayList<>();
    private final List<List<Integer>> tokens = new ArrayList<>();
    private final boolean[] finished;
    private int finishedCount;
    private final RunClock clock;
    private int next;
    private long t0;
    /** With the CPU clock: the idle time the run would have waited for arrivals, which that clock does not see. */
    private long idle;

    ServingRun(List<BenchRequest> requests, long[] arrivalNanos) {
        this(requests, arrivalNanos, RunClock.WALL);
    }

    ServingRun(List<BenchRequest> requests, long[] arrivalNanos, RunClock clock) {
        if (requests.size() != arrivalNanos.length) {
            throw new IllegalArgumentException(requests.size() + " requests but " + arrivalNanos.length + " arrival times");
        }
        for (int i = 1; i < arrivalNanos.length; i++) {
            if (arrivalNanos[i] < arrivalNanos[i - 1]) {
                throw new IllegalArgumentException("arrival " + i + " at " + arrivalNanos[i] + " ns comes before arrival "
                        + (i - 1) + " at " + arrivalNanos[i - 1] + " ns");
            }
        }
        this.requests = requests;
        this.clock = clock;
        this.arrivals = arrivalNanos.clone();
        this.finished = new boolean[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            tokenTimes.add(new ArrayList<>());
            tokens.add(new ArrayList<>());
        }
    }

    /** Starts the clock: arrival offsets count from now. */
    void start() {
        t0 = clock.read();
        idle = 0;
    }

    long now() {
        return clock.read() - t0 + idle;
    }

    BenchRequest request(int index) {
        return requests.get(index);
    }

    long arrival(int index) {
        return arrivals[index];
    }

    /** Indices of the requests that arrived since the last call, in arrival order. */
    List<Integer> takeArrived() {
        long now = now();
        List<Integer> out = new ArrayList<>();
        while (next < arrivals.length && arrivals[next] <= now) {
            out.add(next++);
        }
        return out;
    }

    boolean allArrived() {
        return next == arrivals.length;
    }

    /** The next arrival's offset, or {@link Long#MAX_VALUE} when every request has arrived. */
    long nextArrival() {
        return allArrived() ? Long.MAX_VALUE : arrivals[next];
    }

    /** Sleeps until {@code offset} nanoseconds after the start (at once if that has passed). */
    void sleepUntil(long offset) {
        if (offset == Long.MAX_VALUE) {
            throw new IllegalStateException("nothing to wait for: every request has arrived and none is in flight");
        }
        long wait;
        while ((wait = offset - now()) > 0) {
            idle += clock.idle(wait);
        }
    }

    void token(int index, int token) {
        if (finished[index]) {
            throw new IllegalStateException("request " + requests.get(index).id() + " released a token after it finished");
        }
        tokenTimes.get(index).add(now());
        tokens.get(index).add(token);
    }

    void finished(int index) {
        if (finished[index]) {
            throw new IllegalStateException("request " + requests.get(index).id() + " finished twice");
        }
        finished[index] = true;
        finishedCount++;
    }

    boolean allFinished() {
        return finishedCount == requests.size();
    }

    List<RequestTiming> timings() {
        List<RequestTiming> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            out.add(new RequestTiming(arrivals[i], tokenTimes.get(i).stream().mapToLong(Long::longValue).toArray()));
        }
        return out;
    }

    List<int[]> tokens() {
        List<int[]> out = new ArrayList<>();
        for (List<Integer> t : tokens) {
            out.add(t.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }
}
