package io.muninn.model.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BatchedKlTest {
    private static final int VOCAB = 1000;

    @Test
    void everyCheckEqualsTheHeapCriterionOnTheSameRows() {
        Random random = new Random(7);
        KlDivergenceExit kl = new KlDivergenceExit(5e-4);
        int tokens = 5;
        List<ExitMemory> batched = new ArrayList<>();
        List<ExitMemory> heap = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            batched.add(BatchedKl.start(VOCAB));
            heap.add(kl.start(null, 1, 8, VOCAB));
        }
        float[][] rows = new float[tokens][VOCAB];
        for (int check = 0; check < 6; check++) {
            for (int t = 0; t < tokens; t++) {
                for (int v = 0; v < VOCAB; v++) { // each token's logits settle down from check to check
                    rows[t][v] = check == 0 ? (float) (3 * random.nextGaussian()) : rows[t][v] + (float) (random.nextGaussian() / (1 << check));
                }
            }
            double[] values = BatchedKl.evaluate(batched, Nd4j.create(rows));
            for (int t = 0; t < tokens; t++) {
                double expected = kl.evaluate(heap.get(t), rows[t], null, 1, 8);
                assertThat(values[t]).as("check %s, token %s", check, t).isCloseTo(expected, within(1e-12 + 1e-9 * expected));
                assertThat(batched.get(t).getLastValue()).isEqualTo(values[t]);
                assertThat(batched.get(t).getChecks()).isEqualTo(check + 1);
            }
        }
    }

    @Test
    void readsRowsOfAViewAndRejectsBadInput() {
        float[][] rows = new float[4][VOCAB];
        rows[2][17] = 5f;
        INDArray all = Nd4j.create(rows);
        List<ExitMemory> two = List.of(BatchedKl.start(VOCAB), BatchedKl.start(VOCAB));
        double[] values = BatchedKl.evaluate(two, all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3),
                org.nd4j.linalg.indexing.NDArrayIndex.all()));
        assertThat(values[0]).as("a uniform row against the uniform start").isCloseTo(0.0, within(1e-12));
        assertThat(values[1]).as("a peaked row").isGreaterThan(1e-3);

        rows[0][3] = Float.NaN;
        assertThatThrownBy(() -> BatchedKl.evaluate(List.of(BatchedKl.start(VOCAB)), Nd4j.create(new float[][] {rows[0]})))
                .hasMessageContaining("logits[3] must be finite").hasMessageContaining("NaN");
        assertThatThrownBy(() -> BatchedKl.evaluate(two, Nd4j.create(new float[][] {rows[1]})))
                .hasMessageContaining("(2, V) FLOAT logits");
        assertThatThrownBy(() -> BatchedKl.evaluate(List.of(new ExitMemory()), Nd4j.create(new float[][] {rows[1]})))
                .hasMessageContaining("BatchedKl.start");
    }
}
