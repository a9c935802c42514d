package io.muninn.model.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class Nd4jKernelsTest {
    private final Kernels kernels = new Nd4jKernels();
    private final Random random = new Random(20261123L);

    @Test
    void linearMatchesNaiveProduct() {
        double[][] x = randn(5, 12);
        double[][] w = randn(7, 12);
        assertClose("linear", kernels.prepare(nd(w)).apply(nd(x)), NaiveOracle.linear(x, w), 1e-5);
    }

    @Test
    void rmsNormMatchesNaive() {
        double[][] x = randn(4, 16);
        double[] w = randn(1, 16)[0];
        assertClose("rmsNorm", kernels.rmsNorm(nd(x), nd(new double[][] {w}).reshape(16), 1e-6),
                NaiveOracle.rmsNorm(x, w, 1e-6), 1e-5);
    }

    @ParameterizedTest(name = "heads={0} headDim={1} theta={2}")
    @CsvSource({"1, 2, 10000", "4, 8, 50000", "3, 16, 500"})
    void ropeRotatesInterleavedPairsAtAbsolutePositions(int heads, int headDim, double theta) {
        double[][] x = randn(5, heads * headDim);
        int[] positions = {0, 1, 7, 31, 63};
        INDArray a = nd(x);
        kernels.applyRope(a, positions, RopeTable.compute(64, headDim, theta), heads);
        assertClose("rope", a, NaiveOracle.rope(x, positions, heads, theta), 2e-5);
    }

    @Test
    void gatedSiluAppliesSiluToTheFirstHalf() {
        double[][] x = randn(3, 10);
        assertClose("gatedSilu", kernels.gatedSilu(nd(x)), NaiveOracle.gatedSilu(x), 1e-5);
    }

    @ParameterizedTest(name = "m={0} n={1} heads={2}")
    @CsvSource({"1, 1, 1", "1, 9, 2", "4, 4, 2", "3, 10, 4", "6, 6, 1"})
    void poolRowAttentionIsCausalAndBottomRightAlignedOverAPrefix(int m, int n, int heads) {
        double[][] q = randn(m, heads * 4);
        double[][] k = randn(n, heads * 4);
        double[][] v = randn(n, heads * 4);
        int[][] rows = new int[m][]; // as the engine builds them for a prefill chunk: row i sees keys 0 .. n - m + i
        for (int i = 0; i < m; i++) {
            rows[i] = java.util.stream.IntStream.range(0, n - m + i + 1).toArray();
        }
        assertClose("attention", kernels.attendPoolRows(nd(q), nd(k), nd(v), rows, heads), NaiveOracle.attention(q, k, v, heads), 1e-5);
    }

    @Test
    void poolRowAttentionGivesEachRowItsOwnKeys() {
        int heads = 2;
        int[][] rows = {{4}, {0, 2, 5, 6, 1}, {7, 3, 8}};
        double[][] q = randn(3, heads * 4);
        double[][] k = randn(9, heads * 4);
        double[][] v = randn(9, heads * 4);
        INDArray actual = kernels.attendPoolRows(nd(q), nd(k), nd(v), rows, heads);
        for (int e = 0; e < 3; e++) {
            double[][] ke = new double[rows[e].length][];
            double[][] ve = new double[rows[e].length][];
            for (int j = 0; j < rows[e].length; j++) {
                ke[j] = k[rows[e][j]];
                ve[j] = v[rows[e][j]];
            }
            double[][] expected = NaiveOracle.attention(new double[][] {q[e]}, ke, ve, heads);
            assertClose("attendPoolRows row " + e, actual.getRow(e, true), expected, 1e-5);
        }
    }

    @Test
    void splitQkvAddsTheBiasesToQAndKOnly() {
        double[][] qkv = randn(3, 12);
        double[] qBias = randn(1, 4)[0];
        double[] kBias = randn(1, 4)[0];
        INDArray[] parts = kernels.splitQkv(nd(qkv), nd(new double[][] {qBias}).reshape(4), nd(new double[][] {kBias}).reshape(4));
        double[][][] expected = new double[3][3][4];
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < 4; i++) {
                expected[0][r][i] = (float) ((float) qkv[r][i] + (float) qBias[i]);
                expected[1][r][i] = (float) ((float) qkv[r][4 + i] + (float) kBias[i]);
                expected[2][r][i] = qkv[r][8 + i];
            }
        }
        for (int p = 0; p < 3; p++) {
            assertClose("part " + p, parts[p], expected[p], 0);
        }
    }

    @Test
    void poolRowAttentionOfManyRowsInParallelEqualsTheNaiveResult() {
        int heads = 4;
        int count = 48; // enough work for RowLoop to run rows on several threads
        double[][] k = randn(64, heads * 16);
        double[][] v = randn(64, heads * 16);
        double[][] q = randn(count, heads * 16);
        int[][] rows = new int[count][];
        for (int e = 0; e < count; e++) {
            rows[e] = java.util.stream.IntStream.range(0, 64).filter(j -> (j * 7 + count) % (2 + count % 5) != 0).toArray();
            rows[e] = java.util.Arrays.copyOf(rows[e], 20 + e % 30);
        }
        for (int repeat = 0; repeat < 300; repeat++) {
            INDArray actual = kernels.attendPoolRows(nd(q), nd(k), nd(v), rows, heads);
            for (int e = 0; e < count; e++) {
                double[][] ke = new double[rows[e].length][];
                double[][] ve = new double[rows[e].length][];
                for (int j = 0; j < rows[e].length; j++) {
                    ke[j] = k[rows[e][j]];
                    ve[j] = v[rows[e][j]];
                }
                assertClose("row " + e, actual.getRow(e, true), NaiveOracle.attention(new double[][] {q[e]}, ke, ve, heads), 1e-5);
            }
        }
    }

    @Test
    void writeRowsOverwritesOnlyTheTargetRows() {
        INDArray pool = nd(randn(6, 4));
        INDArray before = pool.dup();
        double[][] rows = randn(2, 4);
        kernels.writeRows(pool, new int[] {4, 1}, nd(rows));
        assertClose("row 4", pool.getRow(4, true), new double[][] {rows[0]}, 0);
        assertClose("row 1", pool.getRow(1, true), new double[][] {rows[1]}, 0);
        for (int r : new int[] {0, 2, 3, 5}) {
            assertThat(pool.getRow(r)).as("row %s", r).isEqualTo(before.getRow(r));
        }
    }

    @Test
    void storedRopeTableIsUsedAsGiven() {
        RopeTable computed = RopeTable.compute(8, 4, 100);
        float[] stored = new float[8 * 2 * 2];
        for (int p = 0; p < 8; p++) {
            for (int i = 0; i < 2; i++) {
                stored[(p * 2 + i) * 2] = computed.cosRows(new int[] {p}).getFloat(0, i);
                stored[(p * 2 + i) * 2 + 1] = computed.sinRows(new int[] {p}).getFloat(0, i);
            }
        }
        RopeTable fromStored = RopeTable.fromStored(Nd4j.create(stored, new long[] {8, 2, 2}, 'c'));
        assertThat(fromStored.cosRows(new int[] {5}).toFloatVector()).containsExactly(computed.cosRows(new int[] {5}).toFloatVector());
        assertThat(fromStored.sinRows(new int[] {3}).toFloatVector()).containsExactly(computed.sinRows(new int[] {3}).toFloatVector());
    }

    private double[][] randn(int rows, int cols) {
        return randn(random, rows, cols);
    }

    /** Standard normal values, each exactly representable in float. */
    static double[][] randn(Random random, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int i = 0; i < cols; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        return a;
    }

    static INDArray nd(double[][] a) {
        float[] flat = new float[a.length * a[0].length];
        for (int r = 0; r < a.length; r++) {
            for (int c = 0; c < a[0].length; c++) {
                flat[r * a[0].length + c] = (float) a[r][c];
            }
        }
        return Nd4j.create(flat, new long[] {a.length, a[0].length}, 'c');
    }

    static void assertClose(String kernel, INDArray actual, double[][] expected, double tolerance) {
        assertThat(actual.shape()).as("%s shape", kernel).containsExactly(expected.length, expected[0].length);
        for (int r = 0; r < expected.length; r++) {
            for (int c = 0; c < expected[0].length; c++) {
                assertThat((double) actual.getFloat(r, c)).as("%s[%s][%s]", kernel, r, c)
                        .isCloseTo(expected[r][c], within(tolerance * Math.max(1, Math.abs(expected[r][c]))));
            }
        }
    }
}
