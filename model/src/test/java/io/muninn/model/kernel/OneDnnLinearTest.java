package io.muninn.model.kernel;

import static io.muninn.model.kernel.Nd4jKernelsTest.assertClose;
import static io.muninn.model.kernel.Nd4jKernelsTest.nd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import io.muninn.model.kernel.Nd4jKernels.MatrixProducts;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;

class OneDnnLinearTest {
    private final Random random = new Random(20261205L);
    private final Kernels onednn = new Nd4jKernels(MatrixProducts.PACKED);

    @ParameterizedTest(name = "{0} rows, {1} in, {2} out")
    @CsvSource({"1, 12, 7", "2, 64, 192", "5, 12, 7", "16, 64, 130", "17, 33, 65", "40, 128, 64"})
    void matchesNaiveProductAtEveryRowCount(int rows, int in, int out) {
        double[][] x = randn(rows, in);
        double[][] w = randn(out, in);
        assertClose("onednn linear", onednn.prepare(nd(w)).apply(nd(x)), NaiveOracle.linear(x, w), 1e-5);
    }

    @Test
    void onePackServesEveryRowCountAndTheSameAsBlas() {
        double[][] w = randn(96, 48);
        Linear packed = onednn.prepare(nd(w));
        Linear blas = new Nd4jKernels(MatrixProducts.ND4J).prepare(nd(w));
        for (int rows : new int[] {3, 1, 8, 3, 24}) {
            INDArray x = nd(randn(rows, 48));
            INDArray a = packed.apply(x);
            INDArray b = blas.apply(x);
            assertThat(a.shape()).containsExactly(rows, 96);
            assertThat(a.equalsWithEps(b, 1e-4)).as("rows %s", rows).isTrue();
        }
    }

    @Test
    void readsViewsAndInputsWithOffsetsInPlace() {
        double[][] adapter = randn(16, 32); // (H, 2H): state half | embedding half
        INDArray a = nd(adapter);
        INDArray embeddingHalf = a.get(all(), interval(16, 32));
        double[][] half = new double[16][16];
        for (int r = 0; r < 16; r++) {
            System.arraycopy(adapter[r], 16, half[r], 0, 16);
        }
        double[][] x = randn(6, 16);
        INDArray xs = nd(randn(10, 16)).get(interval(2, 8), all()).assign(nd(x)); // a row view with an offset
        assertClose("view", onednn.prepare(embeddingHalf).apply(xs), NaiveOracle.linear(x, half), 1e-5);
    }

    @Test
    void directBlasMatchesNaiveAndNd4jsGemmBitForBit() {
        double[][] w = randn(40, 24);
        Linear blas = new Nd4jKernels(MatrixProducts.BLAS).prepare(nd(w));
        Linear nd4j = new Nd4jKernels(MatrixProducts.ND4J).prepare(nd(w));
        for (int rows : new int[] {1, 2, 7, 16}) {
            double[][] x = randn(rows, 24);
            assertClose("blas", blas.apply(nd(x)), NaiveOracle.linear(x, w), 1e-5);
            assertThat(blas.apply(nd(x))).as("rows %s", rows).isEqualTo(nd4j.apply(nd(x)));
        }
    }

    @Test
    void autoPacksLargeWeightsOnly() {
        Kernels auto = new Nd4jKernels(MatrixProducts.AUTO);
        assertThat(auto.prepare(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 512, 512))).isInstanceOf(OneDnnLinear.class);
        assertThat(auto.prepare(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 64, 192))).isInstanceOf(BlasLinear.class);
    }

    @Test
    void theSameWeightIsPackedOncePerJvm() {
        INDArray w = nd(randn(32, 16));
        Linear first = onednn.prepare(w);
        assertThat(new Nd4jKernels(MatrixProducts.PACKED).prepare(w)).isSameAs(first);
        Linear half = onednn.prepare(w.get(all(), interval(0, 8)));
        assertThat(half).as("a view is a different weight").isNotSameAs(first);
        assertThat(onednn.prepare(w.get(all(), interval(0, 8)))).as("the same view taken again (the adapter's halves in "
                + "a second engine)").isSameAs(half);
        assertThat(onednn.prepare(w.dup())).as("equal contents, another buffer").isNotSameAs(first);
    }

    @Test
    void concurrentThreadsShareOnePack() throws Exception {
        double[][] w = randn(64, 32);
        Linear packed = onednn.prepare(nd(w));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int rows = 1 + 4 * t;
                double[][] x = randn(rows, 32);
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace("onednn-test")) {
                            assertClose("concurrent", packed.apply(nd(x)), NaiveOracle.linear(x, w), 1e-5);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void wrongShapesAreNamed() {
        Linear packed = onednn.prepare(nd(randn(8, 4)));
        assertThatThrownBy(() -> packed.apply(nd(randn(2, 5)))).hasMessageContaining("(n, 4) FLOAT input");
        assertThatThrownBy(() -> onednn.prepare(Nd4j.ones(3))).hasMessageContaining("2-d FLOAT matrix");
    }

    private double[][] randn(int rows, int cols) {
        return Nd4jKernelsTest.randn(random, rows, cols);
    }
}
