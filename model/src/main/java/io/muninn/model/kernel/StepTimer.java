package io.muninn.model.kernel;

import java.util.EnumMap;
import java.util.Map;

/**
 * Where a recurrence step's time goes, for {@code muninn bench core-step --breakdown}: the engine and the kernels
 * time their parts into the calling thread's totals when the timer is on, and do nothing but read one static flag
 * when it is off (the default). Parts are leaves that do not overlap, except that the exit check's coda and head
 * absorb the matrix products, attention and norms they run, so "matrix products" is the prelude's and the core's.
 */
public final class StepTimer {

    /** The parts of a step. */
    public enum Part {
        MATRIX_PRODUCTS("matrix products (prelude, core)"),
        ATTENTION("attention (KV writes, gathers, scores)"),
        NORMS_ELEMENTWISE("norms and element-wise (RMSNorm, RoPE, SiLU, residuals)"),
        EXIT_CODA_HEAD("exit check: coda and head"),
        EXIT_CRITERION("exit check: criterion"),
        COPIES("copies: entry blocks to and from the batch, heap copies");

        private final String label;

        Part(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private static volatile boolean enabled;
    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private static final class State {
        final long[] nanos = new long[Part.values().length];
        int absorbing;
    }

    private StepTimer() {}

    public static void enable(boolean on) {
        enabled = on;
    }

    /** A start time to pass to {@link #stop}, or -1 when the timer is off or an absorbing part is running. */
    public static long start() {
        if (!enabled) {
            return -1;
        }
        return STATE.get().absorbing > 0 ? -1 : System.nanoTime();
    }

    public static void stop(Part part, long start) {
        if (start >= 0) {
            STATE.get().nanos[part.ordinal()] += System.nanoTime() - start;
        }
    }

    /** Starts a part that absorbs the parts timed inside it; end it with {@link #stopAbsorbing}. */
    public static long startAbsorbing() {
        long start = start();
        if (enabled) {
            STATE.get().absorbing++;
        }
        return start;
    }

    public static void stopAbsorbing(Part part, long start) {
        if (enabled) {
            STATE.get().absorbing--;
        }
        stop(part, start);
    }

    /** The calling thread's totals since the last reset, in nanoseconds, and resets them. */
    public static Map<Part, Long> drain() {
        State s = STATE.get();
        Map<Part, Long> out = new EnumMap<>(Part.class);
        for (Part p : Part.values()) {
            out.put(p, s.nanos[p.ordinal()]);
            s.nanos[p.ordinal()] = 0;
        }
        return out;
    }
}
