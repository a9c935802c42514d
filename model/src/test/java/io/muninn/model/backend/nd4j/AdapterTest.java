package io.muninn.model.backend.nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.muninn.model.kernel.Nd4jKernels;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The split adapter (state half per step, embedding half once) equals the reference's A · [s, e]. */
class AdapterTest {

    @Test
    void splitHalvesEqualTheConcatenatedProduct() {
        int hidden = 12;
        int rows = 3;
        Random random = new Random(5);
        float[] a = gaussian(random, hidden * 2 * hidden);
        float[] s = gaussian(random, rows * hidden);
        float[] e = gaussian(random, rows * hidden);
        Adapter adapter = new Adapter(new Nd4jKernels(), Nd4j.create(a, new long[] {hidden, 2 * hidden}, 'c'), hidden);
        INDArray state = Nd4j.create(s, new long[] {rows, hidden}, 'c');
        INDArray embedding = Nd4j.create(e, new long[] {rows, hidden}, 'c');

        INDArray actual = adapter.apply(state, adapter.inject(embedding));

        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < hidden; o++) {
                double expected = 0;
                for (int i = 0; i < hidden; i++) {
                    expected += a[o * 2 * hidden + i] * (double) s[r * hidden + i]; // columns 0..H-1: the state
                    expected += a[o * 2 * hidden + hidden + i] * (double) e[r * hidden + i]; // then the embedding
                }
                assertThat((double) actual.getFloat(r, o)).as("row %s, output %s", r, o).isCloseTo(expected, within(1e-4));
            }
        }
    }

    private static float[] gaussian(Random random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }
}
