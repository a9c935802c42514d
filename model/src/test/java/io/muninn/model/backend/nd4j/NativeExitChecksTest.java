package io.muninn.model.backend.nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.muninn.model.backend.LatentRows;
import io.muninn.model.backend.StepModel;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.exit.ExitCheck;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitMemory;
import io.muninn.model.kv.KvBlockPool;
import io.muninn.model.kv.KvLayout;
import io.muninn.model.kv.KvStrategy;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.RandomWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every criterion's batched check, run by the ND4J backend on rows in its native memory ({@link Nd4jStepLogits#check},
 * {@link Nd4jStepModel#checkLatents}), against the criterion's heap implementation ({@link ExitCriterion#evaluate})
 * on heap copies of the same rows, over several checks of several tokens; among the rows a row of equal values and a
 * one-hot row. Values are the heap path's bit for bit, except {@code kl}'s batched form (float64 rounding).
 */
class NativeExitChecksTest {
    private static final int VOCAB = 1000;
    private static final int CHECKS = 4;
    private static final int TOKENS = 5;
    private static final int EQUAL = 3; // the token whose rows hold equal values
    private static final int ONE_HOT = 4; // the token whose rows are one-hot

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kl", "minp-kl", "entropy-diff", "argmax-stability"})
    void logitChecksOnNativeRowsEqualTheHeapCriterion(String name) {
        ExitCriterion criterion = ExitCriterion.withDefaultThreshold(name);
        Random random = new Random(name.hashCode());
        List<ExitCheck> checks = new ArrayList<>();
        List<ExitMemory> heap = new ArrayList<>();
        for (int t = 0; t < TOKENS; t++) {
            checks.add(new ExitCheck(criterion, criterion.startBatched(VOCAB)));
            heap.add(criterion.start(null, 1, 8, VOCAB));
        }
        float[][] rows = new float[TOKENS][VOCAB];
        int[] at = {6, 0, 4, 2, 5}; // each token's row in the head's output; rows 1 and 3 belong to no check
        for (int check = 0; check < CHECKS; check++) {
            for (int t = 0; t < EQUAL; t++) { // logits that settle down from check to check
                for (int v = 0; v < VOCAB; v++) {
                    rows[t][v] = check == 0 ? (float) (3 * random.nextGaussian())
                            : rows[t][v] + (float) (random.nextGaussian() / (1 << check));
                }
            }
            Arrays.fill(rows[EQUAL], 0.25f * check);
            Arrays.fill(rows[ONE_HOT], 0f);
            rows[ONE_HOT][17 + check % 2] = 1f;
            float[][] head = new float[7][VOCAB];
            for (int t = 0; t < TOKENS; t++) {
                head[at[t]] = rows[t];
            }
            Arrays.fill(head[1], Float.NaN); // a row no check reads

            double[] values = new Nd4jStepLogits(Nd4j.create(head)).check(checks, at);

            for (int t = 0; t < TOKENS; t++) {
                double expected = criterion.evaluate(heap.get(t), rows[t].clone(), null, 1, 8);
                assertValue(name, values[t], expected, "check " + check + ", token " + t);
                assertThat(checks.get(t).memory().getLastValue()).isEqualTo(values[t]);
                assertThat(checks.get(t).memory().getChecks()).isEqualTo(check + 1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"latent-diff", "cosine"})
    void latentChecksOnNativeBlocksEqualTheHeapCriterion(String name) {
        ModelConfig config = RandomWeights.config(32, 97, 64, 4);
        ModelWeights weights = RandomWeights.create(config, 3, 0.05);
        int hidden = config.hiddenSize();
        StepModel model = new Nd4jBackend().bind(weights, new KvBlockPool(hidden, 4, 1 << 20), new KvLayout(
                config.preludeLayers(), config.coreLayers(), config.codaLayers(), 4, KvStrategy.parse("latest-m4",
                config.coreLayers())));
        ExitCriterion criterion = ExitCriterion.withDefaultThreshold(name);
        Random random = new Random(name.hashCode());
        int[] rows = {1, 3, 2};
        List<ExitCheck> checks = new ArrayList<>();
        List<ExitMemory> heap = new ArrayList<>();
        float[][] current = new float[rows.length][];
        LatentRows[] previous = new LatentRows[rows.length];
        for (int i = 0; i < rows.length; i++) {
            current[i] = gaussian(random, rows[i] * hidden);
            checks.add(new ExitCheck(criterion, criterion.startBatched(0)));
            heap.add(criterion.start(current[i], rows[i], hidden, 0));
            previous[i] = model.upload(current[i], rows[i]); // s0
        }
        for (int check = 0; check < CHECKS; check++) {
            LatentRows[] states = new LatentRows[rows.length];
            for (int i = 0; i < rows.length; i++) { // states that settle down from check to check
                float[] noise = gaussian(random, rows[i] * hidden);
                for (int j = 0; j < noise.length; j++) {
                    current[i][j] += noise[j] / (2 << check);
                }
            }
            Arrays.fill(current[1], 0, hidden, 0.5f + check); // a row of equal values
            Arrays.fill(current[1], hidden, 2 * hidden, 0f);
            current[1][hidden + 5 + check % 2] = 1f; // a one-hot row
            for (int i = 0; i < rows.length; i++) {
                states[i] = model.upload(current[i], rows[i]);
            }

            double[] values = model.checkLatents(checks, states, previous);

            for (int i = 0; i < rows.length; i++) {
                double expected = criterion.evaluate(heap.get(i), null, current[i].clone(), rows[i], hidden);
                assertThat(values[i]).as("check %s, entry %s", check, i).isEqualTo(expected);
                assertThat(previous[i].toHeap()).as("the previous block now holds this check's state")
                        .containsExactly(current[i]);
                assertThat(checks.get(i).memory().getChecks()).isEqualTo(check + 1);
                states[i].close();
            }
        }
    }

    private static void assertValue(String criterion, double actual, double expected, String what) {
        if (criterion.equals("kl")) { // its batched form: the same value to float64 rounding
            assertThat(actual).as(what).isCloseTo(expected, within(1e-12 + 1e-9 * Math.abs(expected)));
        } else {
            assertThat(actual).as(what).isEqualTo(expected);
        }
    }

    private static float[] gaussian(Random random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }
}
