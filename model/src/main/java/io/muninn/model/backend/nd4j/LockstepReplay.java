package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.Segment;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.kv.SequenceKv;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The lockstep replay of design.md §5: every known position of a sequence (prompt and generated tokens) iterates
 * together, step by step, each stopping at its recorded exit step; then the coda runs once over all of them.
 *
 * <p>Why it is exact: in the original run a position at iteration k read an earlier position q's core KV from
 * iteration {@code min(k, e_q − 1)} ({@code latest-m4}, {@code available-m4}) or only if q reached iteration k
 * ({@code full}, {@code skip}); in the lockstep pass, when a position computes iteration k, every earlier q has
 * computed exactly iterations {@code 0 .. min(k, e_q − 1)} and no further, so it reads the same entries. The coda
 * of a position read earlier positions' coda KV from their exit latents, which is what one coda pass over the exit
 * latents computes. Strategies that overwrite slots ({@code compress-*}) or read deeper than the caller
 * ({@code always-last-m4}), and warm start (a token starts from the previous one's exit latent), break that
 * argument; {@code RecurrentDepthEngine#lockstepReplayExact} refuses them and callers replay call by call.
 *
 * <p>Cost: the prelude and coda once over all positions; iteration k over the positions still running. While all
 * positions run, they attend as one causal chunk; once some have stopped, each running position attends as its
 * own query row against its own key list (padded batch), which is what makes stopped positions read as the
 * strategy says.
 */
final class LockstepReplay {
    private final RecurrentDepthModel model;
    private final ModelConfig config;

    LockstepReplay(RecurrentDepthModel model) {
        this.model = model;
        this.config = model.config;
    }

    /**
     * Rebuilds the KV of {@code tokens}, already validated and appended to {@code kv} as positions {@code first ..},
     * from the random initial states {@code s0} (n, H); returns the last position's exit latent.
     */
    float[] run(SequenceKv kv, int first, int[] tokens, int[] exitSteps, float[] s0) {
        int n = tokens.length;
        int[] positions = new int[n];
        for (int r = 0; r < n; r++) {
            positions[r] = first + r;
        }
        List<Segment> whole = List.of(new Segment(kv, 0, n, first));
        INDArray injected = model.core.adapter().inject(model.prelude.forward(model.embed(tokens), positions, whole));
        // outside the replay workspace: the state carries over from one iteration to the next
        INDArray state = Nd4j.create(s0,
                new long[] {n, config.hiddenSize()}, 'c');
        int deepest = IntStream.of(exitSteps).max().orElse(0);
        for (int k = 0; k < deepest; k++) {
            int iteration = k;
            // the rows whose recorded exit step is after iteration k (0-based)
            int[] running = IntStream.range(0, n).filter(r -> exitSteps[r] > iteration).toArray();
            for (int r : running) {
                // set before the iteration: later running positions read this one's entries of iteration k
                kv.setDepth(first + r, 1, k + 1);
            }
            try (MemoryWorkspace ignored = StepWorkspace.enter(StepWorkspace.REPLAY)) {
                if (running.length == n) {
                    int[] iterations = {k};
                    state.assign(model.core.iterate(state, injected, positions, whole, iterations));
                    continue;
                }
                List<Segment> rows = new ArrayList<>(running.length);
                int[] runningPositions = new int[running.length];
                int[] iterations = new int[running.length];
                for (int i = 0; i < running.length; i++) {
                    rows.add(new Segment(kv, i, 1, first + running[i]));
                    runningPositions[i] = first + running[i];
                    iterations[i] = k;
                }
                INDArray next = model.core.iterate(Nd4j.pullRows(state, 1, running), Nd4j.pullRows(injected, 1, running),
                        runningPositions, rows, iterations);
                for (int i = 0; i < running.length; i++) {
                    state.putRow(running[i], next.getRow(i));
                }
            }
        }
        model.coda.forward(state, positions, whole);
        // as after call-by-call replay: the last position's exit latent is where a warm-started next token begins
        return Floats.of(state.getRow(n - 1).dup());
    }
}
