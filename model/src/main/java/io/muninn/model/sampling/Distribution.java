package io.muninn.model.sampling;

/**
 * The float64 steps of the sampling procedure, each over the first {@code n} entries of a probability array, plus
 * per-thread buffers so that sampling a token allocates nothing. Transcendentals are {@link StrictMath}, so the
 * chosen token does not depend on the JVM.
 */
final class Distribution {
    /** The smallest sum a renormalisation divides by, as in the reference. */
    static final double MIN_SUM = 1e-10;

    private static final ThreadLocal<Distribution> BUFFERS = ThreadLocal.withInitial(Distribution::new);

    double[] probabilities = new double[0];
    double[] kthHeap = new double[0];
    int[] order = new int[0];

    private Distribution() {
    }

    /** This thread's buffers, with {@link #probabilities} at least {@code n} long; contents are garbage. */
    static Distribution buffers(int n) {
        Distribution buffers = BUFFERS.get();
        if (buffers.probabilities.length < n) {
            buffers.probabilities = new double[n];
        }
        return buffers;
    }

    static void requireNonEmpty(float[] logits) {
        if (logits == null || logits.length == 0) {
            throw new IllegalArgumentException("logits must hold at least one value but was "
                    + (logits == null ? "null" : "empty"));
        }
    }

    /**
     * {@code p = softmax(logits / temperature)} into {@code p}: {@code z_v = logits_v / temperature},
     * {@code e_v = exp(z_v − max z)}, {@code p_v = e_v / Σ e} with the sum in vocabulary order.
     */
    static void softmax(float[] logits, double temperature, double[] p) {
        int n = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        boolean bad = false;
        for (int v = 0; v < n; v++) {
            double z = logits[v] / temperature;
            p[v] = z;
            if (z > max) {
                max = z;
            }
            bad |= z != z || z == Double.POSITIVE_INFINITY;
        }
        if (bad || max == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException(describeBad(logits, temperature, p));
        }
        double sum = 0;
        for (int v = 0; v < n; v++) {
            double e = StrictMath.exp(p[v] - max);
            p[v] = e;
            sum += e;
        }
        for (int v = 0; v < n; v++) {
            p[v] /= sum;
        }
    }

    private static String describeBad(float[] logits, double temperature, double[] z) {
        for (int v = 0; v < logits.length; v++) {
            if (Float.isNaN(logits[v]) || logits[v] == Float.POSITIVE_INFINITY) {
                return "logits[" + v + "] must be finite or -Infinity but was " + logits[v];
            }
            if (z[v] == Double.POSITIVE_INFINITY) {
                return "logits[" + v + "] / temperature overflows: " + logits[v] + " / " + temperature;
            }
        }
        return "logits must have at least one finite value but all " + logits.length + " are -Infinity";
    }

    /** Top-k: zeroes every {@code p_v} below the k-th largest (ties with it survive); needs {@code 0 < k < n}. */
    void topK(double[] p, int n, int k) {
        if (kthHeap.length < k) {
            kthHeap = new double[k];
        }
        double kth = kthLargest(p, n, k, kthHeap);
        for (int v = 0; v < n; v++) {
            if (p[v] < kth) {
                p[v] = 0;
            }
        }
    }

    /** The k-th largest of {@code p[0..n)}, counting duplicates, via a min-heap of the k largest seen so far. */
    static double kthLargest(double[] p, int n, int k, double[] heap) {
        for (int v = 0; v < k; v++) {
            heap[v] = p[v];
        }
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDownMin(heap, k, i);
        }
        for (int v = k; v < n; v++) {
            if (p[v] > heap[0]) {
                heap[0] = p[v];
                siftDownMin(heap, k, 0);
            }
        }
        return heap[0];
    }

    private static void siftDownMin(double[] heap, int size, int i) {
        double value = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= value) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = value;
    }

    /**
     * Top-p (nucleus): in the order of descending {@code p}, ties by ascending index, removes every token whose
     * cumulative probability (summed in that order, without renormalising first) exceeds {@code topP}, always
     * keeping the first. Only the kept prefix is ordered: a max-heap over the nonzero tokens is popped until the
     * cumulative sum crosses {@code topP}.
     */
    void topP(double[] p, int n, double topP) {
        if (order.length < n) {
            order = new int[n];
        }
        int[] heap = order;
        int size = 0;
        for (int v = 0; v < n; v++) {
            if (p[v] > 0) {
                heap[size++] = v;
            }
        }
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDownMax(heap, size, i, p);
        }
        // pop into the tail of the same array: heap[size..end) holds the kept tokens, first popped last
        int end = size;
        double cumulative = 0;
        boolean first = true;
        while (size > 0) {
            int token = heap[0];
            cumulative += p[token];
            if (!first && cumulative > topP) {
                break;
            }
            first = false;
            size--;
            heap[0] = heap[size];
            heap[size] = token;
            siftDownMax(heap, size, 0, p);
        }
        // keep p of heap[size..end), zero everything else: zero the tokens still in the heap
        for (int i = 0; i < size; i++) {
            p[heap[i]] = 0;
        }
    }

    /** Whether token a comes before token b in the top-p order: larger p first, then smaller index. */
    private static boolean before(int a, int b, double[] p) {
        return p[a] > p[b] || (p[a] == p[b] && a < b);
    }

    private static void siftDownMax(int[] heap, int size, int i, double[] p) {
        int token = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child], p)) {
                child++;
            }
            if (!before(heap[child], token, p)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = token;
    }

    /** Min-p: zeroes every {@code p_v < minP · max p}. */
    static void minP(double[] p, int n, double minP) {
        double max = 0;
        for (int v = 0; v < n; v++) {
            if (p[v] > max) {
                max = p[v];
            }
        }
        double floor = minP * max;
        for (int v = 0; v < n; v++) {
            if (p[v] < floor) {
                p[v] = 0;
            }
        }
    }

    /**
     * Renormalises in place, {@code q_v = p_v / max(Σ p, 1e-10)} with the sum in vocabulary order, and returns
     * {@code Σ q} (again in vocabulary order), the total the draw is scaled by.
     */
    static double renormalise(double[] p, int n) {
        double sum = 0;
        for (int v = 0; v < n; v++) {
            sum += p[v];
        }
        double divisor = Math.max(sum, MIN_SUM);
        double total = 0;
        for (int v = 0; v < n; v++) {
            double q = p[v] / divisor;
            p[v] = q;
            total += q;
        }
        return total;
    }

    /**
     * Inverse-CDF draw: the first index (in vocabulary order) whose running sum of {@code q} exceeds
     * {@code u · total}; if rounding leaves none, the last index with {@code q > 0}. A token with {@code q = 0} is
     * never chosen.
     */
    static int draw(double[] q, int n, double total, double u) {
        double target = u * total;
        double running = 0;
        int lastPositive = -1;
        for (int v = 0; v < n; v++) {
            double qv = q[v];
            if (qv > 0) {
                running += qv;
                if (running > target) {
                    return v;
                }
                lastPositive = v;
            }
        }
        return lastPositive;
    }
}
