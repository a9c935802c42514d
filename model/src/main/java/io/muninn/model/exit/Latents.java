package io.muninn.model.exit;

import java.nio.FloatBuffer;

/**
 * Float64 sums over one row of fp32 latents shared by the latent criteria: {@code n} floats of a {@link FloatBuffer}
 * from index {@code from} (a wrapped heap array or a backend's native memory), summed in index order.
 */
final class Latents {
    private Latents() {
    }

    /** {@code Σ a_i · b_i}. */
    static double dot(FloatBuffer a, FloatBuffer b, int from, int n) {
        double sum = 0;
        for (int i = from, end = from + n; i < end; i++) {
            sum += (double) a.get(i) * b.get(i);
        }
        return sum;
    }

    /** {@code Σ (a_i − b_i)²}, the difference taken in float64. */
    static double squaredDistance(FloatBuffer a, FloatBuffer b, int from, int n) {
        double sum = 0;
        for (int i = from, end = from + n; i < end; i++) {
            double d = (double) a.get(i) - b.get(i);
            sum += d * d;
        }
        return sum;
    }
}
