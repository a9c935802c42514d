package io.muninn.model.sampling;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The README's sampling procedure written the obvious way: boxed full sorts, {@link Math}, fresh arrays at every
 * step. Agreement with {@link StochasticSampler} is therefore up to rounding, never by construction.
 */
final class NaiveSamplingOracle {
    private NaiveSamplingOracle() {
    }

    static double[] filtered(float[] logits, double temperature, int topK, double topP, double minP) {
        int n = logits.length;
        double[] z = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < n; v++) {
            z[v] = logits[v] / temperature;
            max = Math.max(max, z[v]);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int v = 0; v < n; v++) {
            sum += Math.exp(z[v] - max);
        }
        for (int v = 0; v < n; v++) {
            p[v] = Math.exp(z[v] - max) / sum;
        }
        if (topK > 0) {
            double[] sorted = p.clone();
            Arrays.sort(sorted);
            double kth = sorted[Math.max(0, n - topK)];
            for (int v = 0; v < n; v++) {
                if (p[v] < kth) {
                    p[v] = 0;
                }
            }
        }
        if (topP < 1) {
            Integer[] order = descendingStable(p);
            double cumulative = 0;
            boolean[] remove = new boolean[n];
            for (int i = 0; i < n; i++) {
                cumulative += p[order[i]];
                remove[order[i]] = i > 0 && cumulative > topP;
            }
            for (int v = 0; v < n; v++) {
                if (remove[v]) {
                    p[v] = 0;
                }
            }
        }
        if (minP > 0) {
            double maxP = Arrays.stream(p).max().orElseThrow();
            for (int v = 0; v < n; v++) {
                if (p[v] < minP * maxP) {
                    p[v] = 0;
                }
            }
        }
        double total = Math.max(Arrays.stream(p).sum(), 1e-10);
        for (int v = 0; v < n; v++) {
            p[v] /= total;
        }
        return p;
    }

    static Integer[] descendingStable(double[] p) {
        Integer[] order = new Integer[p.length];
        for (int v = 0; v < p.length; v++) {
            order[v] = v;
        }
        // Arrays.sort on objects is stable, so equal probabilities stay in index order
        Arrays.sort(order, Comparator.comparingDouble((Integer v) -> p[v]).reversed());
        return order;
    }

    /** Inverse CDF in vocabulary order: the first index whose cumulative probability exceeds u · total. */
    static int draw(double[] q, double u) {
        double[] cdf = new double[q.length];
        double running = 0;
        for (int v = 0; v < q.length; v++) {
            running += q[v];
            cdf[v] = running;
        }
        for (int v = 0; v < q.length; v++) {
            if (cdf[v] > u * running) {
                return v;
            }
        }
        for (int v = q.length - 1; v >= 0; v--) {
            if (q[v] > 0) {
                return v;
            }
        }
        throw new AssertionError("no token with positive probability");
    }
}
