package io.muninn.model.exit;

/**
 * Float64 arithmetic over one row of fp32 logits shared by the logit criteria. Transcendentals are {@link StrictMath}
 * so that a check's value, and therefore the exit decision, is the same on every JVM.
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
    static double max(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        boolean bad = false;
        for (float x : logits) {
            if (x > max) {
                max = x;
            }
            bad |= x != x || x == Float.POSITIVE_INFINITY;
        }
        if (bad || max == Float.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException(describeBad(logits));
        }
        return max;
    }

    private static String describeBad(float[] logits) {
        for (int v = 0; v < logits.length; v++) {
            if (Float.isNaN(logits[v]) || logits[v] == Float.POSITIVE_INFINITY) {
                return "logits[" + v + "] must be finite or -Infinity but was " + logits[v];
            }
        }
        return "logits must have at least one finite value but all " + logits.length + " are -Infinity";
    }

    /** Writes {@code exp(x_v - max)} into {@code e} and returns their sum in vocabulary order. */
    static double shiftedExp(float[] logits, double max, double[] e) {
        double sum = 0;
        for (int v = 0; v < logits.length; v++) {
            double ev = StrictMath.exp(logits[v] - max);
            e[v] = ev;
            sum += ev;
        }
        return sum;
    }

    /** {@code log Σ exp(x_v - max)}, summed in vocabulary order. */
    static double logSumShiftedExp(float[] logits, double max) {
        double sum = 0;
        for (float x : logits) {
            sum += StrictMath.exp(x - max);
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
    static int argmax(float[] logits) {
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < logits.length; v++) {
            float x = logits[v];
            if (x != x) {
                throw new IllegalArgumentException("logits[" + v + "] must not be NaN");
            }
            if (x > bestValue) {
                bestValue = x;
                best = v;
            }
        }
        return best;
    }
}
