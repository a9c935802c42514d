package io.muninn.model.engine;

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

    /** The halves are views of the loaded matrix: engines over shared weights hold no adapter copy of their own. */
    @Test
    void halvesAreViewsOfTheLoadedMatrixNotCopies() {
        int hidden = 4;
        INDArray loaded = Nd4j.create(gaussian(new Random(9), hidden * 2 * hidden), new long[] {hidden, 2 * hidden}, 'c');
        Adapter adapter = new Adapter(new Nd4jKernels(), loaded, hidden);
        INDArray state = Nd4j.create(gaussian(new Random(10), hidden), new long[] {1, hidden}, 'c');
        INDArray embedding = Nd4j.create(gaussian(new Random(11), hidden), new long[] {1, hidden}, 'c');
        float[] before = adapter.apply(state, adapter.inject(embedding)).dup('c').data().asFloat();

        loaded.muli(2); // a copy would not see this

        float[] after = adapter.apply(state, adapter.inject(embedding)).dup('c').data().asFloat();
        for (int o = 0; o < hidden; o++) {
            assertThat(after[o]).as("output %s", o).isCloseTo(2 * before[o], within(1e-5f));
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
