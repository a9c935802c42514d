package io.muninn.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.sampling.GreedySampler;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.RandomWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lockstep replay (model/README.md, "Replay") against the uninterrupted run: after rebuilding a sequence whose tokens exited
 * at different steps, the next tokens come out with the same logits and exit steps, for every strategy where it is
 * exact; elsewhere it is refused, and callers replay call by call.
 */
class LockstepReplayTest {
    private static final GreedySampler GREEDY = new GreedySampler();
    private static final ModelConfig CONFIG = RandomWeights.config(64, 97, 128, 8);
    private static final ModelWeights WEIGHTS = RandomWeights.create(CONFIG, 11, 0.08);
    private static final int[] PROMPT = {5, 17, 3, 88, 42, 9, 61};
    private static final ExitPolicy POLICY = new ExitPolicy(ExitCriterion.of("latent-diff", 0.4), 0, 8, 1, true);
    private static final int REPLAYED = 6;
    private static final int CONTINUED = 3;

    private static RecurrentDepthEngine engine(String kv) {
        return new RecurrentDepthEngine(WEIGHTS, new Nd4jKernels(), new EngineOptions(kv, 8, 32L << 20, 4));
    }

    /** One generated token: its id, the exit step of the call that produced it, and that call's last logits. */
    private record Token(int id, int exitStep, float[] logits) {}

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"full", "skip", "latest-m4", "available-m4"})
    void rebuiltSequenceContinuesAsTheUninterruptedRun(String kv) {
        RecurrentDepthEngine e = engine(kv);
        List<Token> original = generate(e, e.newSequence(7, 1.0, false), REPLAYED + 1 + CONTINUED);
        int[] steps = original.stream().mapToInt(Token::exitStep).toArray();
        assertThat(Arrays.stream(steps).distinct().count()).as("exit steps vary: %s", Arrays.toString(steps)).isGreaterThan(2);

        // tokens 0..REPLAYED-1 entered the model; the prefill exit step, then the step of each of those calls
        int[] generated = original.subList(0, REPLAYED).stream().mapToInt(Token::id).toArray();
        int[] exitSteps = Arrays.copyOf(steps, REPLAYED + 1);
        Sequence rebuilt = e.newSequence(7, 1.0, false);
        assertThat(e.lockstepReplayExact(rebuilt, REPLAYED)).isTrue();
        e.replayLockstep(rebuilt, PROMPT, generated, exitSteps, POLICY);
        assertThat(rebuilt.length()).isEqualTo(PROMPT.length + REPLAYED);

        assertContinuesAsTheOriginal(e, rebuilt, original);
    }

    /**
     * The same rebuild in bounded slices (as the scheduler runs it, one per step): every slice iterates at most the
     * bound's positions once, chunks complete in order, and the sequence continues exactly as the uninterrupted run.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"full:1", "skip:3", "latest-m4:1", "latest-m4:4", "available-m4:5"})
    void slicedReplayContinuesAsTheUninterruptedRun(String kvAndRows) {
        String kv = kvAndRows.split(":")[0];
        int maxRows = Integer.parseInt(kvAndRows.split(":")[1]);
        RecurrentDepthEngine e = engine(kv);
        List<Token> original = generate(e, e.newSequence(7, 1.0, false), REPLAYED + 1 + CONTINUED);
        int[] generated = original.subList(0, REPLAYED).stream().mapToInt(Token::id).toArray();
        int[] exitSteps = original.subList(0, REPLAYED + 1).stream().mapToInt(Token::exitStep).toArray();
        Sequence rebuilt = e.newSequence(7, 1.0, false);
        LockstepReplay replay = e.startLockstepReplay(rebuilt, PROMPT, generated, exitSteps, POLICY, maxRows);
        assertThat(rebuilt.length()).as("positions are appended at the start").isEqualTo(PROMPT.length + REPLAYED);
        assertThat(replay.positions()).isEqualTo(PROMPT.length + REPLAYED);

        // every position's exit step: the prefill's for the prompt, then each replayed call's
        int[] steps = new int[PROMPT.length + REPLAYED];
        Arrays.fill(steps, 0, PROMPT.length, exitSteps[0]);
        System.arraycopy(exitSteps, 1, steps, PROMPT.length, REPLAYED);
        long expectedSlices = 0; // per chunk, as many slices as its deepest position's exit step
        for (int from = 0; from < steps.length; from += maxRows) {
            expectedSlices += Arrays.stream(steps, from, Math.min(steps.length, from + maxRows)).max().orElseThrow();
        }
        int rebuiltBefore = 0;
        while (!replay.done()) {
            int rows = replay.nextSliceRows();
            assertThat(rows).as("rows of slice %s", replay.slices()).isBetween(1, maxRows);
            replay.runSlice();
            assertThat(replay.positionsRebuilt()).isGreaterThanOrEqualTo(rebuiltBefore);
            assertThat(replay.positionsRebuilt() % maxRows == 0 || replay.done()).as("whole chunks").isTrue();
            rebuiltBefore = replay.positionsRebuilt();
        }
        assertThat(replay.slices()).isEqualTo(expectedSlices);
        assertThat(replay.positionsRebuilt()).isEqualTo(steps.length);
        assertThat(replay.nextSliceRows()).isZero();
        assertThatThrownBy(replay::runSlice).hasMessage("the replay is complete");

        assertContinuesAsTheOriginal(e, rebuilt, original);
    }

    /** Decodes on from the rebuilt sequence: every token, its exit step and its logits are the original run's. */
    private static void assertContinuesAsTheOriginal(RecurrentDepthEngine e, Sequence rebuilt, List<Token> original) {
        int token = original.get(REPLAYED).id();
        for (int i = REPLAYED + 1; i < original.size(); i++) {
            StepEntry next = run(e, e.decode(rebuilt, token, POLICY));
            assertThat(next.exitStep()).as("exit step of token %s", i).isEqualTo(original.get(i).exitStep());
            assertClose(next.lastLogits(), original.get(i).logits());
            token = GREEDY.sample(next.lastLogits(), 0, 0);
            assertThat(token).isEqualTo(original.get(i).id());
        }
    }

    @Test
    void aSliceBoundBelowOneIsRefused() {
        RecurrentDepthEngine e = engine("latest-m4");
        assertThatThrownBy(() -> e.startLockstepReplay(e.newSequence(7, 1.0, false), PROMPT, new int[] {1},
                new int[] {8, 3}, POLICY, 0)).hasMessage("replay rows per slice must be >= 1 but was 0");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"always-last-m4", "compress-s4", "latest-m4-compress-s16"})
    void strategiesThatReadDeeperOrOverwriteAreRefused(String kv) {
        RecurrentDepthEngine e = engine(kv);
        Sequence seq = e.newSequence(7, 1.0, false);
        assertThat(e.lockstepReplayExact(seq, 2)).isFalse();
        assertThatThrownBy(() -> e.replayLockstep(seq, PROMPT, new int[] {1, 2}, new int[] {8, 3, 4}, POLICY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lockstep replay is not exact under kv strategy " + kv + "; replay call by call");
    }

    @Test
    void warmStartIsRefusedOnceAGeneratedTokenIsReplayed() {
        RecurrentDepthEngine e = engine("latest-m4");
        Sequence seq = e.newSequence(7, 1.0, true);
        assertThat(e.lockstepReplayExact(seq, 0)).isTrue();
        assertThatThrownBy(() -> e.replayLockstep(seq, PROMPT, new int[] {1}, new int[] {8, 3}, POLICY))
                .hasMessage("lockstep replay is not exact under kv strategy latest-m4 with warm start; replay call by call");
    }

    @Test
    void recordedExitStepsOutsideTheCapAreRefused() {
        RecurrentDepthEngine e = engine("latest-m4");
        assertThatThrownBy(() -> e.replayLockstep(e.newSequence(7, 1.0, false), PROMPT, new int[] {1}, new int[] {8, 9}, POLICY))
                .hasMessage("recorded exit step 1 must be in [1, 8] but was 9");
        assertThatThrownBy(() -> e.replayLockstep(e.newSequence(7, 1.0, false), PROMPT, new int[] {1}, new int[] {8}, POLICY))
                .hasMessage("lockstep replay needs the prefill's exit step and one per generated token: 1 generated tokens, 1 exit steps");
    }

    private static List<Token> generate(RecurrentDepthEngine e, Sequence seq, int count) {
        List<Token> out = new ArrayList<>();
        StepEntry entry = run(e, e.prefill(seq, PROMPT, true, POLICY));
        while (true) {
            int id = GREEDY.sample(entry.lastLogits(), 0, 0);
            out.add(new Token(id, entry.exitStep(), entry.lastLogits()));
            if (out.size() == count) {
                return out;
            }
            entry = run(e, e.decode(seq, id, POLICY));
        }
    }

    private static StepEntry run(RecurrentDepthEngine engine, StepEntry entry) {
        while (!entry.exited()) {
            engine.step(List.of(entry));
        }
        return entry;
    }

    private static void assertClose(float[] actual, float[] expected) {
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("logit %s", i).isCloseTo(expected[i], within(1e-4 * Math.max(1, Math.abs(expected[i]))));
        }
    }
}
