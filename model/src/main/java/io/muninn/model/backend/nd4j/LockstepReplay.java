package io.muninn.model.backend.nd4j;

import io.muninn.model.backend.Segment;
import io.muninn.model.backend.StepModel;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.kv.SequenceKv;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The lockstep replay (model/README.md, "Replay"), run in bounded slices: the known positions of a sequence (prompt and
 * generated tokens) are taken in chunks of at most {@code maxRows} positions; within a chunk every position iterates
 * together, step by step, each stopping at its recorded exit step, then the coda runs once over the chunk. One
 * {@link #runSlice() slice} is at most one step's worth of compute: the prelude of a chunk when it starts, one core
 * iteration over its still-running positions, and the coda when its last position stops. A caller (the scheduler)
 * runs one slice per step, so a restore never holds its thread for longer than a step.
 *
 * <p>Why it is exact: in the original run a position at iteration k read an earlier position q's core KV from
 * iteration {@code min(k, e_q − 1)} ({@code latest-m4}, {@code available-m4}) or only if q reached iteration k
 * ({@code full}, {@code skip}); in the lockstep pass, when a position computes iteration k, every earlier q of its
 * chunk has computed exactly iterations {@code 0 .. min(k, e_q − 1)} and no further, and every q of an earlier chunk
 * has computed all its iterations {@code 0 .. e_q − 1}; under these strategies both read the same entries (what a
 * position reads at iteration k depends only on entries of iterations up to k, as chunked prefill). The coda of a
 * position read earlier positions' coda KV from their exit latents, which is what a coda pass over the exit latents
 * of each chunk, in order, computes. Strategies that overwrite slots ({@code compress-*}) or read deeper than the
 * caller ({@code always-last-m4}), and warm start (a token starts from the previous one's exit latent), break that
 * argument; {@code RecurrentDepthEngine#lockstepReplayExact} refuses them and callers replay call by call.
 *
 * <p>Cost: the prelude and coda once over all positions; iteration k over the positions still running. While all
 * positions of a chunk run, they attend as one causal chunk; once some have stopped, each running position attends
 * as its own query row against its own key list (padded batch), which is what makes stopped positions read as the
 * strategy says. Nothing of a replay is durable: a sequence whose replay is abandoned (preempted, cancelled, the
 * task failed) is rebuilt from its tokens again.
 */
final class LockstepReplay implements StepModel.ReplayPass {
    private final RecurrentDepthModel model;
    private final ModelConfig config;
    private final SequenceKv kv;
    private final int first;
    private final int[] tokens;
    private final int[] exitSteps;
    private final StepModel.InitialStates initialStates;
    private final int maxRows;
    /** The current chunk: positions {@code first + from .. first + to - 1}. */
    private int from;
    private int to;
    private int deepest;
    private int iteration;
    private int[] positions;
    private INDArray injected;
    private INDArray state;
    private long slices;
    private float[] lastExitLatent;

    /** Rebuilds the KV of {@code tokens}, already validated and appended to {@code kv} as positions {@code first ..}. */
    LockstepReplay(RecurrentDepthModel model, SequenceKv kv, int first, int[] tokens, int[] exitSteps,
            StepModel.InitialStates initialStates, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("replay rows per slice must be >= 1 but was " + maxRows);
        }
        this.model = model;
        this.config = model.config;
        this.kv = kv;
        this.first = first;
        this.tokens = tokens;
        this.exitSteps = exitSteps;
        this.initialStates = initialStates;
        this.maxRows = maxRows;
    }

    @Override
    public boolean done() {
        return from >= tokens.length;
    }

    @Override
    public int positions() {
        return tokens.length;
    }

    @Override
    public int positionsRebuilt() {
        return from;
    }

    @Override
    public long slices() {
        return slices;
    }

    @Override
    public int nextSliceRows() {
        if (done()) {
            return 0;
        }
        if (positions == null) {
            return Math.min(maxRows, tokens.length - from); // a new chunk: every exit step is at least 1
        }
        return running().length;
    }

    @Override
    public boolean nextSliceStartsChunk() {
        return !done() && positions == null;
    }

    @Override
    public float[] lastExitLatent() {
        return lastExitLatent;
    }

    @Override
    public void runSlice() {
        if (done()) {
            throw new IllegalStateException("the replay is complete");
        }
        if (positions == null) {
            startChunk();
        }
        iterate();
        slices++;
        iteration++;
        if (iteration == deepest) {
            finishChunk();
        }
    }

    private void startChunk() {
        to = Math.min(tokens.length, from + maxRows);
        int n = to - from;
        positions = new int[n];
        int[] chunkTokens = new int[n];
        deepest = 0;
        for (int r = 0; r < n; r++) {
            positions[r] = first + from + r;
            chunkTokens[r] = tokens[from + r];
            deepest = Math.max(deepest, exitSteps[from + r]);
        }
        // outside the replay workspace: the injection and the state carry over from one slice to the next
        injected = model.core.adapter().inject(model.prelude.forward(model.embed(chunkTokens), positions, whole()));
        state = Nd4j.create(initialStates.rows(first + from, n), new long[] {n, config.hiddenSize()}, 'c');
        iteration = 0;
    }

    private List<Segment> whole() {
        return List.of(new Segment(kv, 0, positions.length, positions[0]));
    }

    /** The rows of the chunk whose recorded exit step is after the current iteration (0-based). */
    private int[] running() {
        return IntStream.range(0, positions.length).filter(r -> exitSteps[from + r] > iteration).toArray();
    }

    private void iterate() {
        int k = iteration;
        int n = positions.length;
        int[] running = running();
        for (int r : running) {
            // set before the iteration: later running positions read this one's entries of iteration k
            kv.setDepth(positions[r], 1, k + 1);
        }
        try (MemoryWorkspace ignored = StepWorkspace.enter(StepWorkspace.REPLAY)) {
            if (running.length == n) {
                state.assign(model.core.iterate(state, injected, positions, whole(), new int[] {k}));
                return;
            }
            List<Segment> rows = new ArrayList<>(running.length);
            int[] runningPositions = new int[running.length];
            int[] iterations = new int[running.length];
            for (int i = 0; i < running.length; i++) {
                rows.add(new Segment(kv, i, 1, positions[running[i]]));
                runningPositions[i] = positions[running[i]];
                iterations[i] = k;
            }
            INDArray next = model.core.iterate(Nd4j.pullRows(state, 1, running), Nd4j.pullRows(injected, 1, running),
                    runningPositions, rows, iterations);
            for (int i = 0; i < running.length; i++) {
                state.putRow(running[i], next.getRow(i));
            }
        }
    }

    private void finishChunk() {
        model.coda.forward(state, positions, whole());
        if (to == tokens.length) {
            // as after call-by-call replay: the last position's exit latent is where a warm-started next token begins
            lastExitLatent = Floats.of(state.getRow(positions.length - 1));
        }
        from = to;
        positions = null;
        injected = null;
        state = null;
    }
}
