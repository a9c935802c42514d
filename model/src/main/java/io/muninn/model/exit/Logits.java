package io.muninn.model.exit;

import java.nio.FloatBuffer;

/**
 * Float64 arithmetic over one row of fp32 logits shared by the logit criteria. A row is {@code n} floats of a
 * {@link FloatBuffer} from index {@code from}: a heap array ({@link FloatBuffer#wrap}) or a backend's native memory
 * (a direct buffer), the same arithmetic either way. Transcendentals are {@link StrictMath} so that a check's value,
 * and therefore the exit decision, is the same on every JVM.
 */
final class Logits {
    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[0]);

    private Logits() {
    }

    /** A per-thread buffer of at least {@code n} doubles, reused across checks; its contents are garbage. */
    static double[] scratch(int n) {
        double[] buffer = SCRATCH.get();
        if (buffer.length < n) {
            buffer = new double[n];
            SCRATCH.set(buffer);
        }
        return buffer;
    }

    static void requireRow(float[] logits, String criterion) {
        if (logits == null) {
            throw new IllegalArgumentException("exit criterion " + criterion + " needs the last row's logits but got null");
        }
        if (logits.length == 0) {
            throw new IllegalArgumentException("exit criterion " + criterion + " needs at least one logit but got none");
        }
    }

    /**
     * The maximum logit, refusing rows a softmax cannot handle: a NaN or +Infinity anywhere, or every logit -Infinity.
     * -Infinity entries are allowed (probability zero).
     */
    static double max(FloatBuffer x, int from, int n) {
        float max = Float.NEGATIVE_INFINITY;
        boolean bad = false;
        for (int v = 0; v < n; v++) {
            float xv = x.get(from + v);
            if (xv > max) {
                max = xv;
            }
            bad |= xv != xv || xv == Float.POSITIVE_INFINITY;
        }
        if (bad || max == Float.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException(describeBad(x, from, n));
        }
        return max;
    }

    private static String describeBad(FloatBuffer x, int from, int n) {
        for (int v = 0; v < n; v++) {
            float xv = x.get(from + v);
            if (Float.isNaN(xv) || xv == Float.POSITIVE_INFINITY) {
                return "logits[" + v + "] must be finite or -Infinity but was " + xv;
            }
        }
        return "logits must have at least one finite value but all " + n + " are -Infinity";
    }

    /** Writes {@code exp(x_v - max)} into {@code e} and returns their sum in vocabulary order. */
    static double shiftedExp(FloatBuffer x, int from, int n, double max, double[] e) {
        double sum = 0;
        for (int v = 0; v < n; v++) {
            double ev = StrictMath.exp(x.get(from + v) - max);
            e[v] = ev;
            sum += ev;
        }
        return sum;
    }

    /** {@code log Σ exp(x_v - max)}, summed in vocabulary order. */
    static double logSumShiftedExp(FloatBuffer x, int from, int n, double max) {
        double sum = 0;
        for (int v = 0; v < n; v++) {
            sum += StrictMath.exp(x.get(from + v) - max);
        }
        return StrictMath.log(sum);
    }

    /**
     * {@code Σ exp(prev_v) · (prev_v − cur_v)} = KL(p_prev ‖ p_cur) over log-probabilities; a term whose weight
     * {@code exp(prev_v)} is zero contributes nothing (the 0·log 0 = 0 convention, so -Infinity log-probabilities
     * are harmless).
     */
    static double klTerm(double prev, double cur) {
        double w = StrictMath.exp(prev);
        return w == 0 ? 0 : w * (prev - cur);
    }

    /** The first index of the maximum logit; NaN anywhere is refused. */
    static int argmax(FloatBuffer x, int from, int n) {
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < n; v++) {
            float xv = x.get(from + v);
            if (xv != xv) {
                throw new IllegalArgumentException("logits[" + v + "] must not be NaN");
            }
            if (xv > bestValue) {
                bestValue = xv;
                best = v;
            }
        }
        return best;
    }
}
