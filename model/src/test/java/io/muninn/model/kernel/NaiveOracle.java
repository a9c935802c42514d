package io.muninn.model.kernel;

/** Deliberately naive reference implementations, in float64 loops, for the kernel tests. */
final class NaiveOracle {
    private NaiveOracle() {}

    static double[][] linear(double[][] x, double[][] w) {
        double[][] y = new double[x.length][w.length];
        for (int r = 0; r < x.length; r++) {
            for (int o = 0; o < w.length; o++) {
                double s = 0;
                for (int i = 0; i < w[o].length; i++) {
                    s += x[r][i] * w[o][i];
                }
                y[r][o] = s;
            }
        }
        return y;
    }

    static double[][] rmsNorm(double[][] x, double[] weight, double eps) {
        double[][] y = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            double ms = 0;
            for (double v : x[r]) {
                ms += v * v;
            }
            ms /= x[r].length;
            double inv = 1.0 / Math.sqrt(ms + eps);
            y[r] = new double[x[r].length];
            for (int i = 0; i < x[r].length; i++) {
                y[r][i] = x[r][i] * inv * weight[i];
            }
        }
        return y;
    }

    static double[][] rope(double[][] x, int[] positions, int heads, double theta) {
        int hidden = x[0].length;
        int hd = hidden / heads;
        double[][] y = new double[x.length][hidden];
        for (int r = 0; r < x.length; r++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < hd / 2; i++) {
                    double angle = positions[r] / Math.pow(theta, 2.0 * i / hd);
                    double a = x[r][h * hd + 2 * i];
                    double b = x[r][h * hd + 2 * i + 1];
                    y[r][h * hd + 2 * i] = a * Math.cos(angle) - b * Math.sin(angle);
                    y[r][h * hd + 2 * i + 1] = b * Math.cos(angle) + a * Math.sin(angle);
                }
            }
        }
        return y;
    }

    static double[][] gatedSilu(double[][] gateUp) {
        int inner = gateUp[0].length / 2;
        double[][] y = new double[gateUp.length][inner];
        for (int r = 0; r < gateUp.length; r++) {
            for (int i = 0; i < inner; i++) {
                double g = gateUp[r][i];
                y[r][i] = g / (1 + Math.exp(-g)) * gateUp[r][inner + i];
            }
        }
        return y;
    }

    static double[][] attention(double[][] q, double[][] k, double[][] v, int heads) {
        int m = q.length;
        int n = k.length;
        int hidden = q[0].length;
        int hd = hidden / heads;
        double[][] out = new double[m][hidden];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < m; i++) {
                int visible = n - m + i + 1;
                double[] s = new double[visible];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < visible; j++) {
                    double dot = 0;
                    for (int d = 0; d < hd; d++) {
                        dot += q[i][h * hd + d] * k[j][h * hd + d];
                    }
                    s[j] = dot / Math.sqrt(hd);
                    max = Math.max(max, s[j]);
                }
                double z = 0;
                for (int j = 0; j < visible; j++) {
                    s[j] = Math.exp(s[j] - max);
                    z += s[j];
                }
                for (int d = 0; d < hd; d++) {
                    double acc = 0;
                    for (int j = 0; j < visible; j++) {
                        acc += s[j] / z * v[j][h * hd + d];
                    }
                    out[i][h * hd + d] = acc;
                }
            }
        }
        return out;
    }
}
