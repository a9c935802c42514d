package io.muninn.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Where an open-loop run's time comes from ({@code --clock}). {@link #WALL}: the wall clock; a run waits in real time
 * for each arrival, and every process on the machine shows in the latencies. {@link #CPU}: the serving thread's own
 * CPU time plus the idle time it would have waited: arrivals, steps and tokens are placed on that clock, so another
 * process taking the core does not stretch a step, and an idle gap costs no real time. It counts only work done on
 * the serving thread, which is all of it when the native libraries run single-threaded ({@code OMP_NUM_THREADS=1},
 * as the benchmark's commands set); collector and compiler threads are left out.
 */
enum RunClock {
    WALL,
    CPU;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    static RunClock parse(String option, String text) {
        try {
            RunClock c = valueOf(text.trim().toUpperCase(Locale.ROOT));
            if (c == CPU && !THREADS.isCurrentThreadCpuTimeSupported()) {
                throw new IllegalArgumentException(option + " cpu needs thread CPU time, which this JVM does not measure");
            }
            if (c == CPU && !THREADS.isThreadCpuTimeEnabled()) {
                THREADS.setThreadCpuTimeEnabled(true); // off, every reading would be -1 and every latency 0
            }
            return c;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(option)) {
                throw e;
            }
            throw new IllegalArgumentException(option + " takes wall or cpu but got '" + text + "'");
        }
    }

    /** A reading: the wall clock's nanoseconds, or the calling thread's CPU nanoseconds. */
    long read() {
        return this == WALL ? System.nanoTime() : THREADS.getCurrentThreadCpuTime();
    }

    /**
     * Waits {@code nanos} (> 0): really for the wall clock; for the CPU clock not at all. Returns the idle time that
     * the caller adds to its readings: 0 for the wall clock, which saw the wait, {@code nanos} for the CPU clock.
     */
    long idle(long nanos) {
        if (this == WALL) {
            LockSupport.parkNanos(nanos);
            return 0;
        }
        return nanos;
    }
}
