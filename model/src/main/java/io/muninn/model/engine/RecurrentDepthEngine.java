package io.muninn.model.engine;

import io.muninn.model.backend.Backend;
import io.muninn.model.backend.Backends;
import io.muninn.model.backend.LatentRows;
import io.muninn.model.backend.StepModel;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.exit.ExitCheck;
import io.muninn.model.exit.ExitCriterion;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.kernel.StepTimer;
import io.muninn.model.kernel.StepTimer.Part;
import io.muninn.model.kv.KvBlockPool;
import io.muninn.model.kv.KvLayout;
import io.muninn.model.kv.KvStrategy;
import io.muninn.model.kv.SequenceKv;
import io.muninn.model.rng.CounterRng;
import io.muninn.model.weights.ModelWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The micro-batch step API (model/README.md, "Per-token recurrence and exit"). Every {@link #step} advances each given entry (a prefill chunk or a
 * decode row of some sequence, each at its own position and recurrence step) by one recurrence step: new entries
 * first run the prelude, then all rows go through one core iteration together (linear layers on all rows stacked,
 * attention per entry against its own cache), then each entry's exit check runs and exiting entries go through
 * coda and head. A sequence's result does not depend on its batch-mates beyond float rounding: its initial state
 * and everything it attends to are its own.
 *
 * <p>The arithmetic runs on a {@link Backend} ({@link StepModel}): the engine schedules entries, keeps their exit
 * memories and decides exits, while every entry's latent state and injection stay in the backend's memory from
 * step to step; only tokens go in, and criterion values and the logits a caller asked for come out.
 *
 * <p>Not thread-safe: one engine is driven by one thread (a scheduler, or a Flink task's mailbox).
 */
public final class RecurrentDepthEngine {
    private final ModelConfig config;
    private final EngineOptions options;
    private final KvBlockPool pool;
    private final KvLayout layout;
    private final StepModel model;
    private final ExitTail tail;

    /** An engine on {@code backend}; {@code new Nd4jKernels()} is one (the ND4J backend over those kernels). */
    public RecurrentDepthEngine(ModelWeights weights, Backend backend, EngineOptions options) {
        this.config = weights.config();
        this.options = options;
        KvStrategy strategy = KvStrategy.parse(options.kvStrategy(), config.coreLayers());
        this.layout = new KvLayout(config.preludeLayers(), config.coreLayers(), config.codaLayers(), options.maxSteps(), strategy);
        this.pool = new KvBlockPool(config.hiddenSize(), options.kvBlockTokens(), options.kvBudgetBytes());
        this.model = backend.bind(weights, pool, layout);
        this.tail = new ExitTail(model);
    }

    public ModelConfig config() {
        return config;
    }

    public EngineOptions options() {
        return options;
    }

    public KvBlockPool pool() {
        return pool;
    }

    public KvLayout layout() {
        return layout;
    }

    /** A new, empty sequence. Its cache takes pool blocks as it grows; {@link #release} returns them. */
    public Sequence newSequence(long seed, double initScale, boolean warmStart) {
        return new Sequence(seed, initScale, warmStart, new SequenceKv(pool, layout));
    }

    /**
     * Returns the sequence's KV blocks to the pool and frees the backend memory of its forward call in flight, if
     * one has not exited (a sequence ended or preempted mid-token); that entry must not be stepped again.
     */
    public void release(Sequence sequence) {
        sequence.kv().release();
        if (sequence.inFlight != null) {
            sequence.inFlight.freeBlocks();
            sequence.inFlight = null;
        }
    }

    /**
     * Frees the calling thread's step arenas (the native memory that holds a step's temporaries, sized to the
     * largest step that thread ran). For a thread that is done stepping engines, such as a closing Flink task.
     */
    public static void releaseThreadMemory() {
        Backends.releaseThreadMemory();
    }

    /**
     * The KV budget that holds one sequence of {@code positions} positions in the worst case (every token running
     * {@code maxSteps}), for sizing an engine that serves a single sequence.
     */
    public static long kvBytesFor(ModelConfig config, String kvStrategy, int maxSteps, int blockTokens, int positions) {
        KvLayout layout = new KvLayout(config.preludeLayers(), config.coreLayers(), config.codaLayers(), maxSteps,
                KvStrategy.parse(kvStrategy, config.coreLayers()));
        long blocksPerSlot = (positions + blockTokens - 1) / blockTokens;
        return layout.slotCount() * blocksPerSlot * KvBlockPool.bytesPerBlock(config.hiddenSize(), blockTokens);
    }

    /** The most KV bytes a sequence of {@code positions} positions can hold (admission uses it). */
    public long worstCaseKvBytes(int positions) {
        return SequenceKv.worstCaseBytes(layout, pool, positions);
    }

    /**
     * A prefill chunk of the prompt. Only the last chunk produces logits; earlier chunks never exit early (they run
     * {@code max_steps}), which keeps chunking exact. With {@code exit_in_prefill} the prompt must be one chunk.
     */
    public StepEntry prefill(Sequence seq, int[] chunk, boolean lastChunk, ExitPolicy policy) {
        if ((!lastChunk || seq.length() > 0) && !prefillChunkable(policy)) {
            throw new IllegalArgumentException(policy.exitInPrefill()
                    ? "exit_in_prefill needs the whole prompt in one prefill chunk"
                    : "kv strategy " + layout.strategy().name() + " needs the whole prompt in one prefill chunk");
        }
        return start(seq, chunk, true, lastChunk ? StepEntry.Logits.LAST_ROW : StepEntry.Logits.NONE, policy, 0);
    }

    /**
     * Whether a prompt may be split into several prefill chunks under this policy without changing any result:
     * not when prefill can exit (the exit is decided on the last position), nor under strategies where an earlier
     * chunk's finished iterations would be read differently ({@link KvLayout#chunkedPrefillExact}).
     */
    public boolean prefillChunkable(ExitPolicy policy) {
        return !policy.exitInPrefill() && layout.chunkedPrefillExact();
    }

    /** One decode row: the last sampled token enters the model. */
    public StepEntry decode(Sequence seq, int token, ExitPolicy policy) {
        return start(seq, new int[] {token}, false, StepEntry.Logits.LAST_ROW, policy, 0);
    }

    /**
     * A fresh forward of {@code tokens} with exactly {@code steps} recurrence steps and no exit checks, producing
     * the logits of every row (the {@code logits} inspection command).
     */
    public StepEntry fixedDepth(Sequence seq, int[] tokens, int steps) {
        ExitPolicy fixed = new ExitPolicy(ExitCriterion.withDefaultThreshold("none"), 0, steps, 1, false);
        return start(seq, tokens, true, StepEntry.Logits.ALL_ROWS, fixed, 0);
    }

    /**
     * Re-runs a call whose exit step is known (replay, model/README.md "Replay"): no checks, no logits, exits at
     * {@code exitStep}, rebuilding exactly the KV entries the original call wrote.
     */
    public StepEntry replay(Sequence seq, int[] tokens, boolean prefill, int exitStep, ExitPolicy policy) {
        if (exitStep < 1 || exitStep > policy.maxSteps()) {
            throw new IllegalArgumentException(
                    "recorded exit step must be in [1, " + policy.maxSteps() + "] but was " + exitStep);
        }
        return start(seq, tokens, prefill, StepEntry.Logits.NONE, policy, exitStep);
    }

    /**
     * Whether {@link #replayLockstep} rebuilds exactly what call-by-call replay would for this sequence: not under
     * strategies that overwrite slots or read deeper than the caller, and not with warm start once a generated token
     * is replayed (each token then starts from the previous one's exit latent).
     */
    public boolean lockstepReplayExact(Sequence seq, int generatedTokensReplayed) {
        return layout.chunkedPrefillExact() && (!seq.warmStart() || generatedTokensReplayed == 0);
    }

    /**
     * Rebuilds the KV cache of an empty sequence in one lockstep pass ({@link LockstepReplay}) from its
     * prompt, the generated tokens that had entered the model, and the recorded exit steps: {@code exitSteps[0]} the
     * prefill's (every prompt position's), {@code exitSteps[1 + i]} that of the call that {@code generated[i]}
     * entered. The cost of one batched prefill instead of one call per token; runs to completion within this call.
     * The sequence then continues with a decode row of the next token.
     */
    public void replayLockstep(Sequence seq, int[] prompt, int[] generated, int[] exitSteps, ExitPolicy policy) {
        startLockstepReplay(seq, prompt, generated, exitSteps, policy, prompt.length + generated.length).runToCompletion();
    }

    /**
     * The same rebuild as {@link #replayLockstep}, returned unstarted so that the caller runs it in bounded slices
     * ({@link LockstepReplay#runSlice}), each iterating at most {@code maxRowsPerSlice} positions once, between its
     * other work. The positions are appended to the sequence now; until the replay is done the sequence must take no
     * other forward call. Checks everything {@link #replayLockstep} checks, before any work.
     */
    public LockstepReplay startLockstepReplay(Sequence seq, int[] prompt, int[] generated, int[] exitSteps,
            ExitPolicy policy, int maxRowsPerSlice) {
        if (seq.length() != 0) {
            throw new IllegalArgumentException("lockstep replay needs an empty sequence but it has " + seq.length() + " positions");
        }
        if (exitSteps.length != generated.length + 1) {
            throw new IllegalArgumentException(String.format(
                    "lockstep replay needs the prefill's exit step and one per generated token: %s generated tokens, %s exit steps",
                    generated.length, exitSteps.length));
        }
        if (!lockstepReplayExact(seq, generated.length)) {
            throw new IllegalArgumentException("lockstep replay is not exact under kv strategy " + layout.strategy().name()
                    + (seq.warmStart() ? " with warm start" : "") + "; replay call by call");
        }
        if (maxRowsPerSlice < 1) {
            throw new IllegalArgumentException("replay rows per slice must be >= 1 but was " + maxRowsPerSlice);
        }
        int[] tokens = new int[prompt.length + generated.length];
        int[] steps = new int[tokens.length];
        System.arraycopy(prompt, 0, tokens, 0, prompt.length);
        System.arraycopy(generated, 0, tokens, prompt.length, generated.length);
        for (int i = 0; i < exitSteps.length; i++) {
            if (exitSteps[i] < 1 || exitSteps[i] > policy.maxSteps()) {
                throw new IllegalArgumentException(String.format(
                        "recorded exit step %s must be in [1, %s] but was %s", i, policy.maxSteps(), exitSteps[i]));
            }
        }
        Arrays.fill(steps, 0, prompt.length, exitSteps[0]);
        System.arraycopy(exitSteps, 1, steps, prompt.length, generated.length);
        StepEntry checked = start(seq, tokens, true, StepEntry.Logits.NONE, policy, exitSteps[0]);
        return new LockstepReplay(seq, model.startLockstepReplay(seq.kv(), checked.firstPosition, tokens, steps,
                (position, rows) -> randomInitialState(config, seq, position, rows), maxRowsPerSlice));
    }

    private StepEntry start(Sequence seq, int[] tokens, boolean prefill, StepEntry.Logits logits, ExitPolicy policy, int forced) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a forward call needs at least one token");
        }
        if (policy.maxSteps() > options.maxSteps()) {
            throw new IllegalArgumentException(String.format(
                    "max_steps must be in [1, %s] (the engine's step cap) but was %s", options.maxSteps(), policy.maxSteps()));
        }
        if (seq.length() + tokens.length > config.blockSize()) {
            throw new IllegalArgumentException(String.format(
                    "sequence length %s exceeds the model's block_size %s", seq.length() + tokens.length, config.blockSize()));
        }
        for (int t : tokens) {
            if (t < 0 || t >= config.vocabSize()) {
                throw new IllegalArgumentException(String.format(
                        "token id must be in [0, %s) but was %s", config.vocabSize(), t));
            }
        }
        int first = seq.kv().appendPositions(tokens.length);
        StepEntry entry = new StepEntry(seq, tokens.clone(), first, prefill, logits, policy, forced);
        seq.inFlight = entry;
        return entry;
    }

    /** Advances every entry by one recurrence step. Entries that already exited must not be passed again. */
    public void step(List<StepEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<StepEntry> fresh = new ArrayList<>();
        for (StepEntry e : entries) {
            if (e.phase == StepEntry.Phase.EXITED) {
                throw new IllegalArgumentException("entry at position " + e.firstPosition + " already exited");
            }
            if (e.phase == StepEntry.Phase.NEW) {
                fresh.add(e);
            } else if (e.state == null) {
                throw new IllegalArgumentException("entry at position " + e.firstPosition + " belongs to a released sequence");
            }
        }
        // a step's temporaries live in its scope; entries keep their states and injections in the backend's memory
        try (StepModel.Scope ignored = model.openStep()) {
            if (!fresh.isEmpty()) {
                runPrelude(new MicroBatch(fresh));
            }
            MicroBatch batch = new MicroBatch(entries);
            iterate(batch);
            decide(batch);
        }
    }

    private void runPrelude(MicroBatch batch) {
        LatentRows[] injections = model.prelude(batch.tokens(), batch.positions, batch.segments);
        long started = StepTimer.start();
        float[][] initial = new float[injections.length][];
        for (int i = 0; i < injections.length; i++) {
            StepEntry entry = batch.entries.get(i);
            entry.injected = injections[i];
            initial[i] = initialState(entry);
            entry.state = model.upload(initial[i], entry.rows());
        }
        StepTimer.stop(Part.COPIES, started);
        started = StepTimer.start();
        for (int i = 0; i < injections.length; i++) {
            StepEntry entry = batch.entries.get(i);
            ExitCriterion criterion = entry.policy.criterion();
            entry.memory = criterion.startBatched(config.vocabSize()); // checks run batched in the backend
            if (criterion.readsLatents() && mayCheck(entry)) { // the first latent check compares with s0
                entry.checkedState = model.upload(initial[i], entry.rows());
            }
            entry.phase = StepEntry.Phase.RUNNING;
        }
        StepTimer.stop(Part.EXIT_CRITERION, started);
    }

    /** Whether the criterion may be checked at all: not in a replay, nor in a call that produces no logits. */
    private static boolean mayCheck(StepEntry e) {
        return e.forcedExitStep == 0 && e.logitsWanted != StepEntry.Logits.NONE;
    }

    /** Whether the criterion is checked after the iteration the entry just ran. */
    private static boolean checksNow(StepEntry e) {
        return mayCheck(e) && e.policy.checksAt(e.iterations - 1, e.prefill);
    }

    private float[] initialState(StepEntry entry) {
        Sequence seq = entry.sequence;
        if (!entry.prefill && seq.warmStart() && seq.warmLatent() != null) {
            return seq.warmLatent().clone();
        }
        return randomInitialState(config, seq, entry.firstPosition, entry.rows());
    }

    /** The random s0 (rows, H, row-major) of positions {@code first ..}: drawn from (seed, position) alone. */
    static float[] randomInitialState(ModelConfig config, Sequence seq, int first, int rows) {
        int hidden = config.hiddenSize();
        float[] s0 = new float[rows * hidden];
        for (int r = 0; r < rows; r++) {
            CounterRng.initialStateRow(seq.seed(), first + r, config.initStd(), seq.initScale(), config.embedScale(),
                    s0, r * hidden, hidden);
        }
        return s0;
    }

    private void iterate(MicroBatch batch) {
        int[] iterations = new int[batch.entries.size()];
        for (int i = 0; i < iterations.length; i++) {
            iterations[i] = batch.entries.get(i).iterations;
        }
        model.iterate(batch.blocks(e -> e.state), batch.blocks(e -> e.injected), batch.positions, batch.segments, iterations);
        for (StepEntry e : batch.entries) {
            e.iterations++;
            e.sequence.kv().setDepth(e.firstPosition, e.rows(), e.iterations);
        }
    }

    /** Exit checks, then coda and head for every entry that needs them, batched. */
    private void decide(MicroBatch batch) {
        checkLatents(batch);
        List<StepEntry> tailEntries = new ArrayList<>();
        for (StepEntry e : batch.entries) {
            int k = e.iterations - 1;
            boolean exiting;
            boolean logitCheck = false;
            if (e.forcedExitStep > 0) {
                exiting = e.iterations == e.forcedExitStep;
            } else {
                exiting = e.policy.forcedAt(k) || e.converged; // converged: by a latent check just now
                logitCheck = checksNow(e) && e.policy.criterion().needsLogits();
            }
            if (exiting || logitCheck) {
                tailEntries.add(e);
                e.logitCheckPending = logitCheck;
                if (exiting) {
                    e.phase = StepEntry.Phase.EXITED;
                }
            }
        }
        if (!tailEntries.isEmpty()) {
            tail.run(new MicroBatch(tailEntries));
        }
    }

    /** The latent criteria's checks of this step, all at once where the states lie (no state crosses to the heap). */
    private void checkLatents(MicroBatch batch) {
        List<StepEntry> checked = new ArrayList<>();
        List<ExitCheck> checks = new ArrayList<>();
        for (StepEntry e : batch.entries) {
            if (checksNow(e) && e.policy.criterion().readsLatents()) {
                checked.add(e);
                checks.add(new ExitCheck(e.policy.criterion(), e.memory));
            }
        }
        if (checked.isEmpty()) {
            return;
        }
        long started = StepTimer.start();
        double[] values = model.checkLatents(checks, checked.stream().map(e -> e.state).toArray(LatentRows[]::new),
                checked.stream().map(e -> e.checkedState).toArray(LatentRows[]::new));
        for (int i = 0; i < values.length; i++) {
            StepEntry e = checked.get(i);
            e.criterionValue = values[i];
            e.converged = e.policy.criterion().exits(values[i]);
        }
        StepTimer.stop(Part.EXIT_CRITERION, started);
    }
}
