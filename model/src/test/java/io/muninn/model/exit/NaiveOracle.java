package io.muninn.model.exit;

import java.util.Random;

/**
 * Deliberately naive versions of the criteria's formulas: textbook definitions over double arrays, no shifting by
 * the maximum, no in-place updates, {@link Math} instead of {@link StrictMath}. Agreement with the production code
 * is therefore up to rounding, never by construction.
 */
public final class NaiveOracle {
    private NaiveOracle() {
    }

    static float[] randomLogits(Random random, int vocab, double scale) {
        float[] logits = new float[vocab];
        for (int v = 0; v < vocab; v++) {
            logits[v] = (float) (random.nextGaussian() * scale);
        }
        return logits;
    }

    static float[] randomLatents(Random random, int size) {
        float[] latents = new float[size];
        for (int i = 0; i < size; i++) {
            latents[i] = (float) random.nextGaussian();
        }
        return latents;
    }

    static double[] softmax(float[] logits) {
        double z = 0;
        for (float x : logits) {
            z += Math.exp(x);
        }
        double[] p = new double[logits.length];
        for (int v = 0; v < logits.length; v++) {
            p[v] = Math.exp(logits[v]) / z;
        }
        return p;
    }

    static double[] logOf(double[] p) {
        double[] logP = new double[p.length];
        for (int v = 0; v < p.length; v++) {
            logP[v] = Math.log(p[v]);
        }
        return logP;
    }

    static double[] uniformLogProbs(int vocab) {
        double[] logP = new double[vocab];
        java.util.Arrays.fill(logP, -Math.log(vocab));
        return logP;
    }

    /** KL(prev ‖ cur) = Σ prev_p · (log prev_p − log cur_p) over float64 log-probabilities. */
    static double kl(double[] prevLogP, double[] curLogP) {
        double kl = 0;
        for (int v = 0; v < prevLogP.length; v++) {
            kl += Math.exp(prevLogP[v]) * (prevLogP[v] - curLogP[v]);
        }
        return kl;
    }

    /** p'[p < 0.1 max p] = 1/V, renormalised. */
    static double[] minPFiltered(double[] p) {
        double max = 0;
        for (double pv : p) {
            max = Math.max(max, pv);
        }
        double[] filtered = new double[p.length];
        double sum = 0;
        for (int v = 0; v < p.length; v++) {
            filtered[v] = p[v] < 0.1 * max ? 1.0 / p.length : p[v];
            sum += filtered[v];
        }
        for (int v = 0; v < p.length; v++) {
            filtered[v] /= sum;
        }
        return filtered;
    }

    static double entropy(double[] p) {
        double h = 0;
        for (double pv : p) {
            h += pv * Math.log(pv + 1e-10);
        }
        return -h;
    }

    static double[][] rows(float[] flat, int rows, int hidden) {
        double[][] out = new double[rows][hidden];
        for (int r = 0; r < rows; r++) {
            for (int h = 0; h < hidden; h++) {
                out[r][h] = flat[r * hidden + h];
            }
        }
        return out;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double latentDiff(float[] previous, float[] current, int rows, int hidden) {
        double[][] prev = rows(previous, rows, hidden);
        double[][] cur = rows(current, rows, hidden);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double[] diff = new double[hidden];
            for (int h = 0; h < hidden; h++) {
                diff[h] = cur[r][h] - prev[r][h];
            }
            total += norm(diff) / norm(cur[r]);
        }
        return total / rows;
    }

    static double cosine(float[] previous, float[] current, int rows, int hidden) {
        double[][] prev = rows(previous, rows, hidden);
        double[][] cur = rows(current, rows, hidden);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            total += dot(cur[r], prev[r]) / Math.max(norm(cur[r]) * norm(prev[r]), 1e-8);
        }
        return 1 - total / rows;
    }

    /** The index of the largest logit, the first on a tie (the greedy choice the engine tests also use). */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int v = 1; v < logits.length; v++) {
            if (logits[v] > logits[best]) {
                best = v;
            }
        }
        return best;
    }
}
