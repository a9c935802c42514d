package io.muninn.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GreedySamplerTest {
    private final Sampler greedy = new GreedySampler();

    @Test
    void takesTheFirstIndexOfTheMaximum() {
        assertThat(greedy.sample(new float[] {0f, 2f, -1f, 2f, 1.5f}, 1, 0)).isEqualTo(1);
        assertThat(greedy.sample(new float[] {3f, 3f, 3f}, 1, 0)).isZero();
        assertThat(greedy.sample(new float[] {-7f}, 1, 0)).isZero();
    }

    @Test
    void handlesInfinitiesAndSignedZeros() {
        float ninf = Float.NEGATIVE_INFINITY;
        assertThat(greedy.sample(new float[] {ninf, ninf, ninf}, 1, 0)).isZero();
        assertThat(greedy.sample(new float[] {ninf, -3f, ninf}, 1, 0)).isEqualTo(1);
        assertThat(greedy.sample(new float[] {1f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY}, 1, 0))
                .isEqualTo(1);
        assertThat(greedy.sample(new float[] {-0f, 0f}, 1, 0)).isZero();
    }

    @Test
    void matchesANaiveArgmaxAndIgnoresTheSeed() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            float[] logits = new float[1 + random.nextInt(200)];
            for (int v = 0; v < logits.length; v++) {
                logits[v] = random.nextInt(7); // many ties
            }
            int expected = 0;
            for (int v = 0; v < logits.length; v++) {
                if (logits[v] > logits[expected]) {
                    expected = v;
                }
            }
            assertThat(greedy.sample(logits, trial, trial * 3L)).isEqualTo(expected);
            assertThat(greedy.sample(logits, -trial, 0)).isEqualTo(expected);
        }
    }

    @Test
    void refusesNaNNamingTheIndex() {
        assertThatThrownBy(() -> greedy.sample(new float[] {1f, 2f, Float.NaN}, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logits[2] must not be NaN: greedy decoding cannot rank a NaN logit");
    }

    @Test
    void refusesEmptyLogits() {
        assertThatThrownBy(() -> greedy.sample(new float[0], 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logits must hold at least one value but was empty");
        assertThatThrownBy(() -> greedy.sample(null, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logits must hold at least one value but was null");
    }
}
