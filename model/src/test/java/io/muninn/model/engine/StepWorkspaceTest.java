package io.muninn.model.engine;

import static io.muninn.model.exit.NaiveOracle.argmax;
import static org.assertj.core.api.Assertions.assertThat;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.backend.nd4j.StepWorkspace;
import io.muninn.model.kernel.Nd4jKernels;
import io.muninn.model.weights.ModelWeights;
import io.muninn.model.weights.RandomWeights;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.ProfilerConfig;

/**
 * The per-step ND4J workspace: a step's temporaries live in one arena that stops growing, and nothing the engine
 * keeps between steps (states, injections, replayed states) points into a scope that has closed.
 */
class StepWorkspaceTest {
    private static final ModelConfig CONFIG = RandomWeights.config(64, 97, 128, 8);
    private static final ModelWeights WEIGHTS = RandomWeights.create(CONFIG, 11, 0.08);
    private static final ExitPolicy EXITING = new ExitPolicy(ExitCriterion.of("latent-diff", 0.2), 0, 8, 1, false);
    private static final int[] PROMPT = {5, 17, 3, 88, 42, 9};

    private static RecurrentDepthEngine engine() {
        return new RecurrentDepthEngine(WEIGHTS, new Nd4jKernels(), new EngineOptions("latest-m4", 8, 32L << 20, 4));
    }

    @AfterEach
    void profilingOff() {
        Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().build());
    }

    @Test
    void noOpReadsAnArrayFromAClosedStepScope() {
        List<Integer> plain = generateThenReplayAndContinue(engine());

        // ND4J now fails any op whose input or output lives in a workspace scope that has been closed
        Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkWorkspaces(true).build());
        List<Integer> checked = generateThenReplayAndContinue(engine());

        assertThat(checked).isEqualTo(plain);
        assertThat(Nd4j.getMemoryManager().getCurrentWorkspace()).as("no scope left open after the steps").isNull();
    }

    @Test
    void theStepArenaHoldsEveryTemporaryAndStopsGrowing() {
        RecurrentDepthEngine e = engine();
        List<StepEntry> entries = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            entries.add(e.prefill(e.newSequence(s, 1.0, false), PROMPT, true, ExitPolicy.fixedSteps(8)));
        }
        e.step(entries); // prefill rows, prelude included
        List<StepEntry> decodes = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            while (!entries.get(0).exited()) {
                e.step(entries);
            }
            decodes.clear();
            for (StepEntry entry : entries) {
                decodes.add(e.decode(entry.sequence(), 1 + round, ExitPolicy.fixedSteps(8)));
            }
            entries = List.copyOf(decodes);
        }
        MemoryWorkspace arena = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(StepWorkspace.STEP);
        long learned = arena.getCurrentSize();
        assertThat(arena.getMaxCycleAllocations()).as("the step allocates its arrays in the arena").isPositive();
        assertThat(learned).as("the arena has taken the size of the largest step").isGreaterThanOrEqualTo(arena.getMaxCycleAllocations());

        for (int i = 0; i < 7; i++) { // decode steps of the same shape as those already seen
            e.step(entries);
        }
        assertThat(arena.getCurrentSize()).isEqualTo(learned);

        RecurrentDepthEngine.releaseThreadMemory();
        assertThat(Nd4j.getWorkspaceManager().checkIfWorkspaceExists(StepWorkspace.STEP)).as("arena freed").isFalse();
        e.step(entries); // a later step opens a new arena
        assertThat(Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(StepWorkspace.STEP).getCurrentSize()).isPositive();
    }

    /**
     * Four sequences batched with exits ({@link EngineConsistencyTest#generateBatched}: tokens and exit steps
     * interleaved, five tokens each); the last is then rebuilt by lockstep replay and continues one token.
     */
    private static List<Integer> generateThenReplayAndContinue(RecurrentDepthEngine e) {
        List<List<Integer>> batched = EngineConsistencyTest.generateBatched(e, 4, EXITING);
        List<Integer> last = batched.get(3);
        List<Integer> tokens = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        for (int i = 0; i < last.size(); i += 2) {
            tokens.add(last.get(i));
            steps.add(last.get(i + 1));
        }
        List<Integer> out = new ArrayList<>();
        batched.forEach(out::addAll);
        // rebuild sequence 3 from its first four tokens (the fifth never entered the model) and continue it
        Sequence rebuilt = e.newSequence(3, 1.0, false);
        int[] generated = tokens.subList(0, 3).stream().mapToInt(Integer::intValue).toArray();
        int[] exitSteps = steps.subList(0, 4).stream().mapToInt(Integer::intValue).toArray();
        e.replayLockstep(rebuilt, EngineConsistencyTest.prompt(3), generated, exitSteps, EXITING);
        StepEntry next = e.decode(rebuilt, tokens.get(3), EXITING);
        while (!next.exited()) {
            e.step(List.of(next));
        }
        out.add(argmax(next.lastLogits()));
        out.add(next.exitStep());
        assertThat(out.subList(out.size() - 2, out.size()))
                .as("replayed then continued as uninterrupted").containsExactly(tokens.get(4), steps.get(4));
        return out;
    }
}
