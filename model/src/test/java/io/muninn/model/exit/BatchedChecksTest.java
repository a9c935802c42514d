package io.muninn.model.exit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchedChecks} over rows in direct (off-heap) buffers: a batch large enough to run in parallel gives each
 * token the value it gets checked alone, criteria may differ between tokens, and bad input is refused by name. The
 * values against each criterion's heap implementation, through the ND4J backend, are
 * {@code backend.nd4j.NativeExitChecksTest}'s.
 */
class BatchedChecksTest {
    private static final int VOCAB = 3000;

    @Test
    void aParallelBatchOfMixedCriteriaGivesEachTokenItsValueCheckedAlone() {
        List<ExitCriterion> criteria = List.of(ExitCriterion.withDefaultThreshold("kl"),
                ExitCriterion.withDefaultThreshold("minp-kl"), ExitCriterion.withDefaultThreshold("entropy-diff"),
                ExitCriterion.withDefaultThreshold("argmax-stability"));
        int tokens = 12;
        Random random = new Random(3);
        List<ExitCheck> batch = new ArrayList<>();
        List<ExitCheck> alone = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            ExitCriterion c = criteria.get(t % criteria.size());
            batch.add(new ExitCheck(c, c.startBatched(VOCAB)));
            alone.add(new ExitCheck(c, c.startBatched(VOCAB)));
        }
        for (int check = 0; check < 3; check++) {
            FloatBuffer logits = direct(tokens * VOCAB);
            int[] offsets = new int[tokens];
            for (int t = 0; t < tokens; t++) {
                offsets[t] = (tokens - 1 - t) * VOCAB; // rows in reverse order
                for (int v = 0; v < VOCAB; v++) {
                    logits.put(offsets[t] + v, (float) (2 * random.nextGaussian()));
                }
            }

            double[] values = BatchedChecks.logits(batch, logits, offsets, VOCAB);

            for (int t = 0; t < tokens; t++) {
                double single = BatchedChecks.logits(List.of(alone.get(t)), logits, new int[] {offsets[t]}, VOCAB)[0];
                assertThat(values[t]).as("check %s, token %s", check, t).isEqualTo(single);
                assertThat(batch.get(t).memory().getLastValue()).isEqualTo(values[t]);
            }
        }
    }

    @Test
    void badInputIsRefusedByName() {
        ExitCriterion kl = ExitCriterion.withDefaultThreshold("kl");
        FloatBuffer row = direct(VOCAB);
        row.put(3, Float.NaN);
        assertThatThrownBy(() -> BatchedChecks.logits(List.of(new ExitCheck(kl, kl.startBatched(VOCAB))), row,
                new int[] {0}, VOCAB)).hasMessageContaining("logits[3] must be finite").hasMessageContaining("NaN");
        assertThatThrownBy(() -> BatchedChecks.logits(List.of(new ExitCheck(kl, kl.start(null, 1, 1, VOCAB))), row,
                new int[] {0}, VOCAB)).hasMessageContaining("KlDivergenceExit.startBatched");
        assertThatThrownBy(() -> BatchedChecks.logits(List.of(new ExitCheck(kl, kl.startBatched(VOCAB))), row,
                new int[] {0, VOCAB}, VOCAB)).hasMessageContaining("1 exit checks needs as many logit rows but got 2");

        ExitCriterion cosine = ExitCriterion.withDefaultThreshold("cosine");
        assertThatThrownBy(() -> BatchedChecks.logits(List.of(new ExitCheck(cosine, cosine.startBatched(VOCAB))), row,
                new int[] {0}, VOCAB)).hasMessageContaining("exit criterion cosine reads no logits");
        FloatBuffer[] block = {direct(8)};
        assertThatThrownBy(() -> BatchedChecks.latents(List.of(new ExitCheck(kl, kl.startBatched(VOCAB))), block, block,
                new int[] {1}, 8)).hasMessageContaining("exit criterion kl reads no latents");
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
