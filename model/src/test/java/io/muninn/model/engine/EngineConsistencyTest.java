package io.muninn.model.engine;

import static io.muninn.model.exit.NaiveOracle.argmax;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.RandomWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The step API against itself: caching, chunking and batching must not change results beyond float rounding. */
class EngineConsistencyTest {
    private static final ModelConfig CONFIG = RandomWeights.config(64, 97, 128, 8);
    private static final ModelWeights WEIGHTS = RandomWeights.create(CONFIG, 11, 0.08);
    private static final int[] TOKENS = {5, 17, 3, 88, 42, 9, 61, 23, 70, 11, 2, 96};

    private static RecurrentDepthEngine engine(String kv) {
        return new RecurrentDepthEngine(WEIGHTS, new Nd4jKernels(), new EngineOptions(kv, 8, 32L << 20, 4));
    }

    private static StepEntry run(RecurrentDepthEngine engine, StepEntry entry) {
        while (!entry.exited()) {
            engine.step(List.of(entry));
        }
        return entry;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"full", "latest-m4"})
    // compress-* and always-last differ here by design: earlier tokens are read at their last iteration.
    void incrementalDecodeEqualsAFreshForwardAtFixedDepth(String kv) {
        RecurrentDepthEngine e = engine(kv);
        ExitPolicy fixed = ExitPolicy.fixedSteps(5);
        float[][] fresh = run(e, e.fixedDepth(e.newSequence(3, 1.0, false), TOKENS, 5)).allLogits();

        Sequence seq = e.newSequence(3, 1.0, false);
        float[] last = run(e, e.prefill(seq, Arrays.copyOf(TOKENS, 7), true, fixed)).lastLogits();
        assertClose(last, fresh[6]);
        for (int i = 7; i < TOKENS.length; i++) {
            last = run(e, e.decode(seq, TOKENS[i], fixed)).lastLogits();
            assertClose(last, fresh[i]);
        }
    }

    @Test
    void chunkedPrefillEqualsOneChunk() {
        RecurrentDepthEngine e = engine("latest-m4");
        ExitPolicy policy = ExitPolicy.defaults(8);
        float[] whole = run(e, e.prefill(e.newSequence(9, 1.0, false), TOKENS, true, policy)).lastLogits();
        Sequence seq = e.newSequence(9, 1.0, false);
        run(e, e.prefill(seq, Arrays.copyOfRange(TOKENS, 0, 5), false, policy));
        run(e, e.prefill(seq, Arrays.copyOfRange(TOKENS, 5, 9), false, policy));
        assertClose(run(e, e.prefill(seq, Arrays.copyOfRange(TOKENS, 9, 12), true, policy)).lastLogits(), whole);
    }

    @Test
    void aSequenceDoesNotDependOnItsBatchMates() {
        RecurrentDepthEngine e = engine("latest-m4");
        ExitPolicy policy = new ExitPolicy(ExitCriterion.of("latent-diff", 0.2), 0, 8, 1, false);
        int sequences = 16;
        List<List<Integer>> alone = new ArrayList<>();
        for (int s = 0; s < sequences; s++) {
            alone.add(generateAlone(e, s, policy));
        }
        List<List<Integer>> batched = generateBatched(e, sequences, policy);
        assertThat(batched).isEqualTo(alone);
        assertThat(alone.stream().flatMap(List::stream).distinct().count()).as("exit steps and tokens vary").isGreaterThan(4);
    }

    /** Tokens and exit steps interleaved: [token0, steps0, token1, steps1, ...]. */
    private static List<Integer> generateAlone(RecurrentDepthEngine e, int s, ExitPolicy policy) {
        Sequence seq = e.newSequence(s, 1.0, false);
        StepEntry entry = run(e, e.prefill(seq, prompt(s), true, policy));
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int token = argmax(entry.lastLogits());
            out.add(token);
            out.add(entry.exitStep());
            if (i < 4) {
                entry = run(e, e.decode(seq, token, policy));
            }
        }
        e.release(seq);
        return out;
    }

    /** All sequences in one micro-batch, each at its own position and step, joining and leaving as they exit. */
    static List<List<Integer>> generateBatched(RecurrentDepthEngine e, int sequences, ExitPolicy policy) {
        List<List<Integer>> out = new ArrayList<>();
        List<Sequence> seqs = new ArrayList<>();
        List<StepEntry> inFlight = new ArrayList<>();
        for (int s = 0; s < sequences; s++) {
            out.add(new ArrayList<>());
            Sequence seq = e.newSequence(s, 1.0, false);
            seqs.add(seq);
            inFlight.add(e.prefill(seq, prompt(s), true, policy));
        }
        while (inFlight.stream().anyMatch(x -> x != null)) {
            List<StepEntry> batch = inFlight.stream().filter(x -> x != null).toList();
            e.step(batch);
            for (int s = 0; s < sequences; s++) {
                StepEntry entry = inFlight.get(s);
                if (entry != null && entry.exited()) {
                    int token = argmax(entry.lastLogits());
                    out.get(s).add(token);
                    out.get(s).add(entry.exitStep());
                    inFlight.set(s, out.get(s).size() < 10 ? e.decode(seqs.get(s), token, policy) : null);
                }
            }
        }
        return out;
    }

    static int[] prompt(int s) {
        int[] p = new int[1 + s % 6];
        for (int i = 0; i < p.length; i++) {
            p[i] = (s * 13 + i * 29 + 1) % 97;
        }
        return p;
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("logit %s", i).isCloseTo(expected[i], within(1e-4 * Math.max(1, Math.abs(expected[i]))));
        }
    }
}
