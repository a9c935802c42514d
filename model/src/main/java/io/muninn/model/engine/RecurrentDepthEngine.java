package io.muninn.model.engine;

import io.muninn.model.backend.Backend;
import io.muninn.model.backend.Backends;
import io.muninn.model.backend.StepModel;
import io.muninn.model.config.ModelConfig;
import io.muninn.model.exit.ExitPolicy;
import io.muninn.model.kv.KvBlockPool;
import io.muninn.model.kv.KvLayout;
import io.muninn.model.kv.KvStrategy;
import io.muninn.model.kv.SequenceKv;
import io.muninn.model.weights.ModelWeights;
import java.util.List;

/**
 * The micro-batch step API (model/README.md, "Per-token recurrence and exit"). The engine makes a sequence's forward
 * calls ({@link StepEntry}: a prefill chunk, a decode row, a replay call or a fixed-depth forward, see
 * {@link EntryKind}), checking each and appending its positions to the sequence's KV cache, and {@link #step}
 * advances each given entry, each at its own position and recurrence step, by one recurrence step
 * ({@link StepLoop}): new entries first run the prelude, then all rows go through one core iteration together
 * (linear layers on all rows stacked, attention per entry against its own cache), then each entry's exit is decided
 * ({@link ExitRule}) and exiting entries go through coda and head ({@link ExitTail}). A sequence's result does not
 * depend on its batch-mates beyond float rounding: its initial state and everything it attends to are its own.
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
    private final StepLoop loop;

    /** An engine on {@code backend}; {@code new Nd4jKernels()} is one (the ND4J backend over those kernels). */
    public RecurrentDepthEngine(ModelWeights weights, Backend backend, EngineOptions options) {
        this.config = weights.config();
        this.options = options;
        KvStrategy strategy = KvStrategy.parse(options.kvStrategy(), config.coreLayers());
        this.layout = new KvLayout(config.preludeLayers(), config.coreLayers(), config.codaLayers(), options.maxSteps(), strategy);
        this.pool = new KvBlockPool(config.hiddenSize(), options.kvBlockTokens(), options.kvBudgetBytes());
        this.model = backend.bind(weights, pool, layout);
        this.loop = new StepLoop(model, config);
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
        return new Sequence(new InitialState(seed, initScale, warmStart), new SequenceKv(pool, layout));
    }

    /**
     * Returns the sequence's KV blocks to the pool and frees the backend memory of its forward call in flight, if
     * one has not exited (a sequence ended or preempted mid-token); that entry must not be stepped again.
     */
    public void release(Sequence sequence) {
        sequence.kv().release();
        sequence.abandonCallInFlight();
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
        return start(seq, new EntryKind.PrefillChunk(lastChunk), policy, chunk);
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
        return start(seq, EntryKind.Decode.ROW, policy, token);
    }

    /**
     * A fresh forward of {@code tokens} with exactly {@code steps} recurrence steps and no exit checks, producing
     * the logits of every row (the {@code logits} inspection command).
     */
    public StepEntry fixedDepth(Sequence seq, int[] tokens, int steps) {
        return start(seq, new EntryKind.FixedDepth(steps), ExitPolicy.fixedSteps(steps), tokens);
    }

    /**
     * Re-runs a prefill chunk whose exit step is known (replay, model/README.md "Replay"): no checks, no logits,
     * exits at {@code exitStep} (the prompt's), rebuilding exactly the KV entries the original chunk wrote.
     */
    public StepEntry replayPrefill(Sequence seq, int[] chunk, int exitStep, ExitPolicy policy) {
        return start(seq, new EntryKind.Replay(true, checkedExitStep(exitStep, policy)), policy, chunk);
    }

    /** Re-runs the decode row of {@code token}, which exited at {@code exitStep}, as {@link #replayPrefill} does. */
    public StepEntry replayDecode(Sequence seq, int token, int exitStep, ExitPolicy policy) {
        return start(seq, new EntryKind.Replay(false, checkedExitStep(exitStep, policy)), policy, token);
    }

    private static int checkedExitStep(int exitStep, ExitPolicy policy) {
        if (exitStep < 1 || exitStep > policy.maxSteps()) {
            throw new IllegalArgumentException(
                    "recorded exit step must be in [1, " + policy.maxSteps() + "] but was " + exitStep);
        }
        return exitStep;
    }

    /**
     * Whether {@link #replayLockstep} rebuilds exactly what call-by-call replay would for this sequence: not under
     * strategies that overwrite slots or read deeper than the caller, and not with warm start once a generated token
     * is replayed (each token then starts from the previous one's exit latent).
     */
    public boolean lockstepReplayExact(Sequence seq, int generatedTokensReplayed) {
        return layout.chunkedPrefillExact() && (!seq.initialState().warmStart() || generatedTokensReplayed == 0);
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
                    + (seq.initialState().warmStart() ? " with warm start" : "") + "; replay call by call");
        }
        if (maxRowsPerSlice < 1) {
            throw new IllegalArgumentException("replay rows per slice must be >= 1 but was " + maxRowsPerSlice);
        }
        int[] steps = LockstepReplay.exitStepPerPosition(prompt.length, exitSteps, policy.maxSteps());
        int[] tokens = new int[prompt.length + generated.length];
        System.arraycopy(prompt, 0, tokens, 0, prompt.length);
        System.arraycopy(generated, 0, tokens, prompt.length, generated.length);
        int first = appendPositions(seq, tokens, policy);
        return new LockstepReplay(seq, model.startLockstepReplay(seq.kv(), first, tokens, steps,
                (position, rows) -> seq.initialState().randomRows(config, position, rows), maxRowsPerSlice));
    }

    private StepEntry start(Sequence seq, EntryKind kind, ExitPolicy policy, int... tokens) {
        int first = appendPositions(seq, tokens, policy);
        StepEntry entry = new StepEntry(new StepEntry.Call(seq, kind, policy, tokens.clone(), first));
        seq.callStarted(entry);
        return entry;
    }

    /** Checks a forward call of {@code tokens} under {@code policy} and appends its positions; returns the first. */
    private int appendPositions(Sequence seq, int[] tokens, ExitPolicy policy) {
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
        return seq.kv().appendPositions(tokens.length);
    }

    /**
     * Advances every entry by one recurrence step ({@link StepLoop}). Entries that already exited must not be passed
     * again.
     */
    public void step(List<StepEntry> entries) {
        if (!entries.isEmpty()) {
            loop.step(entries);
        }
    }
}
