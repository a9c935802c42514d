package io.muninn.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.muninn.model.rng.CounterRng;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StochasticSamplerTest {

    private static float[] logitsOf(double... probabilities) {
        float[] logits = new float[probabilities.length];
        for (int v = 0; v < logits.length; v++) {
            logits[v] = (float) Math.log(probabilities[v]);
        }
        return logits;
    }

    private static int[] support(double[] q) {
        return IntStream.range(0, q.length).filter(v -> q[v] > 0).toArray();
    }

    private static void assertMatchesOracle(StochasticSampler sampler, float[] logits, String what) {
        double[] expected = NaiveSamplingOracle.filtered(logits, sampler.temperature(), sampler.topK(),
                sampler.topP(), sampler.minP());
        double[] actual = sampler.probabilities(logits);
        assertThat(support(actual)).as("support, %s", what).containsExactly(support(expected));
        int worst = 0;
        for (int v = 0; v < actual.length; v++) {
            if (Math.abs(actual[v] - expected[v]) > Math.abs(actual[worst] - expected[worst])) {
                worst = v;
            }
        }
        assertThat(actual[worst]).as("q[%s], %s", worst, what).isCloseTo(expected[worst], within(1e-12));
    }

    @Test
    void temperatureAloneIsTheSoftmaxOfScaledLogits() {
        float[] logits = {1f, 2f, 0.5f, -1f};
        double[] q = new StochasticSampler(0.5, 0, 1.0, 0.0).probabilities(logits);
        double z = 0;
        for (float x : logits) {
            z += Math.exp(2 * x);
        }
        for (int v = 0; v < logits.length; v++) {
            assertThat(q[v]).isCloseTo(Math.exp(2 * logits[v]) / z, within(1e-15));
        }
    }

    @Test
    void topKKeepsTheKLargestAndEveryTieOfTheKth() {
        float[] logits = {3f, 2f, 2f, 1f, 0f};
        assertThat(support(new StochasticSampler(1, 1, 1, 0).probabilities(logits))).containsExactly(0);
        assertThat(support(new StochasticSampler(1, 2, 1, 0).probabilities(logits))).containsExactly(0, 1, 2);
        assertThat(support(new StochasticSampler(1, 3, 1, 0).probabilities(logits))).containsExactly(0, 1, 2);
        assertThat(support(new StochasticSampler(1, 4, 1, 0).probabilities(logits))).containsExactly(0, 1, 2, 3);
        assertThat(support(new StochasticSampler(1, 5, 1, 0).probabilities(logits))).hasSize(5);
        assertThat(support(new StochasticSampler(1, 50, 1, 0).probabilities(logits))).hasSize(5);
    }

    @Test
    void topPRemovesTheTokenThatCrossesTheThresholdButAlwaysKeepsTheFirst() {
        float[] logits = logitsOf(0.10, 0.50, 0.05, 0.30, 0.05);
        // descending: 1 (0.5), 3 (0.3), 0 (0.1), 2 (0.05), 4 (0.05); cumulative 0.5, 0.8, 0.9, 0.95, 1.0
        assertThat(support(new StochasticSampler(1, 0, 0.01, 0).probabilities(logits))).containsExactly(1);
        assertThat(support(new StochasticSampler(1, 0, 0.6, 0).probabilities(logits))).containsExactly(1);
        assertThat(support(new StochasticSampler(1, 0, 0.85, 0).probabilities(logits))).containsExactly(1, 3);
        assertThat(support(new StochasticSampler(1, 0, 0.92, 0).probabilities(logits))).containsExactly(0, 1, 3);
        // ties in probability are ordered by index: token 2 comes before token 4
        assertThat(support(new StochasticSampler(1, 0, 0.97, 0).probabilities(logits))).containsExactly(0, 1, 2, 3);
    }

    @Test
    void topPOrdersEqualProbabilitiesByIndex() {
        float[] logits = {0f, 1f, 1f};
        assertThat(support(new StochasticSampler(1, 0, 0.5, 0).probabilities(logits))).containsExactly(1);
    }

    @Test
    void topPSumsTheTopKOutputWithoutRenormalising() {
        float[] logits = logitsOf(0.4, 0.3, 0.2, 0.1);
        // after top-2 the kept mass is 0.7, so a top-p of 0.8 removes nothing more
        double[] q = new StochasticSampler(1, 2, 0.8, 0).probabilities(logits);
        assertThat(support(q)).containsExactly(0, 1);
        assertThat(q[0]).isCloseTo(4.0 / 7, within(1e-7));
    }

    @Test
    void minPZeroesTokensBelowTheFractionOfTheLargest() {
        float[] logits = logitsOf(0.40, 0.30, 0.19, 0.11);
        assertThat(support(new StochasticSampler(1, 0, 1, 0.3).probabilities(logits))).containsExactly(0, 1, 2);
        assertThat(support(new StochasticSampler(1, 0, 1, 0.5).probabilities(logits))).containsExactly(0, 1);
        assertThat(support(new StochasticSampler(1, 0, 1, 0.99).probabilities(logits))).containsExactly(0);
    }

    @Test
    void filteredDistributionsMatchTheNaiveOracle() {
        Random random = new Random(11);
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + random.nextInt(trial < 200 ? 40 : 3000);
            float[] logits = new float[n];
            boolean coarse = random.nextBoolean();
            for (int v = 0; v < n; v++) {
                double x = random.nextGaussian() * 3;
                logits[v] = coarse ? Math.round(x * 2) / 2f : (float) x; // coarse logits make many ties
            }
            if (random.nextInt(5) == 0) {
                logits[random.nextInt(n)] = Float.NEGATIVE_INFINITY;
                logits[random.nextInt(n)] = 5f;
            }
            double temperature = new double[] {0.2, 0.7, 1.0, 1.5}[random.nextInt(4)];
            int topK = random.nextBoolean() ? 0 : 1 + random.nextInt(Math.max(1, n + 2));
            double topP = random.nextBoolean() ? 1.0 : 0.05 + 0.95 * random.nextDouble();
            double minP = random.nextBoolean() ? 0.0 : 0.3 * random.nextDouble();
            StochasticSampler sampler = new StochasticSampler(temperature, topK, topP, minP);
            assertMatchesOracle(sampler, logits, "trial " + trial + " " + sampler + " n=" + n);
        }
    }

    @Test
    void theTokenIsTheInverseCdfOfTheFilteredDistributionAtTheCounterDraw() {
        float[] logits = gaussianLogits(12, 500, 2);
        StochasticSampler sampler = new StochasticSampler(0.9, 100, 0.95, 0.01);
        double[] q = NaiveSamplingOracle.filtered(logits, 0.9, 100, 0.95, 0.01);
        for (long seed = 0; seed < 3000; seed++) {
            long tokenIndex = seed % 37;
            double u = CounterRng.uniform(seed, CounterRng.STREAM_SAMPLE, tokenIndex, 0);
            assertThat(sampler.sample(logits, seed, tokenIndex))
                    .as("seed %s, token %s, u %s", seed, tokenIndex, u)
                    .isEqualTo(NaiveSamplingOracle.draw(q, u));
        }
    }

    @Test
    void sameSeedAndTokenIndexGiveTheSameToken() {
        float[] logits = new float[1000]; // uniform: the draw alone decides
        StochasticSampler sampler = new StochasticSampler(1.0, 0, 1.0, 0.0);
        for (long index = 0; index < 50; index++) {
            int token = sampler.sample(logits, 42, index);
            assertThat(sampler.sample(logits.clone(), 42, index)).isEqualTo(token);
            assertThat(new StochasticSampler(1.0, 0, 1.0, 0.0).sample(logits, 42, index)).isEqualTo(token);
            // uniform q: the token is floor(u * V)
            assertThat(token).isEqualTo((int) (CounterRng.uniform(42, CounterRng.STREAM_SAMPLE, index, 0) * 1000));
        }
        long distinct = IntStream.range(0, 50).map(i -> sampler.sample(logits, 42, i)).distinct().count();
        assertThat(distinct).isGreaterThan(40);
        assertThat(sampler.sample(logits, 43, 0)).isNotEqualTo(sampler.sample(logits, 42, 0));
    }

    @Test
    void doesNotModifyTheLogits() {
        float[] logits = {0.5f, -1f, 2f, 2f};
        float[] copy = logits.clone();
        new StochasticSampler(0.7, 2, 0.9, 0.1).sample(logits, 1, 2);
        assertThat(logits).containsExactly(copy);
    }

    @Test
    void empiricalFrequenciesApproachTheFilteredDistribution() {
        float[] logits = {1.0f, 2.5f, 0.2f, 2.0f, -1f, 1.8f, 0.9f, 2.4f};
        StochasticSampler sampler = new StochasticSampler(0.8, 6, 0.9, 0.05);
        double[] q = NaiveSamplingOracle.filtered(logits, 0.8, 6, 0.9, 0.05);
        int draws = 200_000;
        int[] counts = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(logits, i, i % 97)]++;
        }
        for (int v = 0; v < logits.length; v++) {
            if (q[v] == 0) {
                assertThat(counts[v]).as("filtered token %s is never drawn", v).isZero();
            } else {
                double sd = Math.sqrt(q[v] * (1 - q[v]) / draws);
                assertThat((double) counts[v] / draws).as("frequency of token %s", v).isCloseTo(q[v], within(5 * sd));
            }
        }
        assertThat(IntStream.range(0, q.length).filter(v -> q[v] > 0).count()).as("filters bite").isBetween(2L, 5L);
    }

    @Test
    void negativeInfiniteLogitsAreNeverDrawn() {
        float ninf = Float.NEGATIVE_INFINITY;
        float[] logits = {ninf, 0f, ninf, 0f, ninf};
        StochasticSampler sampler = new StochasticSampler(1.0, 0, 1.0, 0.0);
        for (long seed = 0; seed < 500; seed++) {
            assertThat(sampler.sample(logits, seed, 0)).isIn(1, 3);
        }
    }

    @Test
    void largeVocabulariesWithEveryFilter() {
        float[] logits = gaussianLogits(13, 65536, 4);
        assertMatchesOracle(new StochasticSampler(0.7, 0, 0.95, 0.0), logits, "top-p 0.95");
        assertMatchesOracle(new StochasticSampler(1.0, 40, 0.9, 0.05), logits, "top-k 40, top-p 0.9, min-p 0.05");
        assertMatchesOracle(new StochasticSampler(1.3, 30000, 0.999, 0.0), logits, "wide filters");
    }

    @Test
    void refusesLogitsASoftmaxCannotHandle() {
        StochasticSampler sampler = new StochasticSampler(1.0, 0, 1.0, 0.0);
        assertThatThrownBy(() -> sampler.sample(new float[] {0f, Float.NaN}, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logits[1] must be finite or -Infinity but was NaN");
        assertThatThrownBy(() -> sampler.sample(new float[] {Float.POSITIVE_INFINITY, 0f}, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logits[0] must be finite or -Infinity but was Infinity");
        float ninf = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> sampler.sample(new float[] {ninf, ninf}, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logits must have at least one finite value but all 2 are -Infinity");
        assertThatThrownBy(() -> new StochasticSampler(1e-300, 0, 1.0, 0.0).sample(new float[] {1e30f, 0f}, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logits[0] / temperature overflows: 1.0E30 / 1.0E-300");
        assertThatThrownBy(() -> sampler.sample(new float[0], 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("logits must hold at least one value but was empty");
    }

    @Test
    void validatesItsSettings() {
        assertThatThrownBy(() -> new StochasticSampler(0.0, 0, 1.0, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("temperature must be a finite number > 0 but was 0.0; use greedy decoding for temperature 0");
        assertThatThrownBy(() -> new StochasticSampler(Double.NaN, 0, 1.0, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("temperature must be a finite number > 0 but was NaN; use greedy decoding for temperature 0");
        assertThatThrownBy(() -> new StochasticSampler(Double.POSITIVE_INFINITY, 0, 1.0, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("temperature must be a finite number > 0 but was Infinity;"
                        + " use greedy decoding for temperature 0");
        assertThatThrownBy(() -> new StochasticSampler(1.0, -1, 1.0, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("top_k must be >= 0 (0 turns it off) but was -1");
        assertThatThrownBy(() -> new StochasticSampler(1.0, 0, 0.0, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("top_p must be in (0, 1] (1 turns it off) but was 0.0");
        assertThatThrownBy(() -> new StochasticSampler(1.0, 0, 1.5, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("top_p must be in (0, 1] (1 turns it off) but was 1.5");
        assertThatThrownBy(() -> new StochasticSampler(1.0, 0, Double.NaN, 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("top_p must be in (0, 1] (1 turns it off) but was NaN");
        assertThatThrownBy(() -> new StochasticSampler(1.0, 0, 1.0, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("min_p must be in [0, 1) (0 turns it off) but was 1.0");
        assertThatThrownBy(() -> new StochasticSampler(1.0, 0, 1.0, -0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("min_p must be in [0, 1) (0 turns it off) but was -0.1");
    }

    /** {@code vocab} logits drawn from a normal distribution of standard deviation {@code scale}, seeded. */
    private static float[] gaussianLogits(long seed, int vocab, double scale) {
        Random random = new Random(seed);
        float[] logits = new float[vocab];
        for (int v = 0; v < logits.length; v++) {
            logits[v] = (float) (random.nextGaussian() * scale);
        }
        return logits;
    }
}
