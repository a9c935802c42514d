package io.muninn.model.engine;

import io.muninn.model.backend.LatentRows;
import io.muninn.model.exit.ExitMemory;
import io.muninn.model.exit.ExitPolicy;

/**
 * One forward call in flight: a prefill chunk, a decode row, a replay call or a fixed-depth forward of a sequence
 * ({@link EntryKind}), at its own recurrence step. The engine makes entries ({@link RecurrentDepthEngine#prefill},
 * {@link RecurrentDepthEngine#decode}, {@link RecurrentDepthEngine#replayPrefill},
 * {@link RecurrentDepthEngine#replayDecode}, {@link RecurrentDepthEngine#fixedDepth}) and advances every entry of a
 * micro-batch by one step; {@link ExitRule} decides when one stops. An entry ends {@link Phase#EXITED} with its exit
 * step, whether its criterion ended it, its criterion value and the logits its kind produces. Callers read it; only
 * the engine moves it on.
 */
public final class StepEntry {

    /** Where an entry is. */
    public enum Phase { NEW, RUNNING, EXITED }

    /** What the call is, fixed when it is made: its sequence, kind, policy, tokens and first position. */
    record Call(Sequence sequence, EntryKind kind, ExitPolicy policy, int[] tokens, int firstPosition) {
        int rows() {
            return tokens.length;
        }
    }

    /**
     * A running entry's working set, in the backend's memory until it exits: its injection {@code e · A_eᵀ} and raw
     * latent {@code s} (rows, H), its criterion's memory and, for a latent criterion that may be checked, the raw
     * {@code s} at its previous check (s0 first; null otherwise).
     */
    record Running(LatentRows injected, LatentRows state, ExitMemory memory, LatentRows checkedState) {}

    private final Call call;
    private Phase phase = Phase.NEW;
    private Running running; // null before the prelude and once freed
    private int iterations;
    private boolean logitCheckDue;
    private double criterionValue = Double.NaN;
    private ExitRule.Reason exitReason;
    private float[][] logits;

    StepEntry(Call call) {
        this.call = call;
    }

    /** What the call is. */
    Call call() {
        return call;
    }

    /** The sequence whose call this is. */
    public Sequence sequence() {
        return call.sequence();
    }

    /** Where the entry is: not started, running, or exited. */
    public Phase phase() {
        return phase;
    }

    /** Whether the entry exited (its outcome below is final). */
    public boolean exited() {
        return phase == Phase.EXITED;
    }

    /** Whether the rows are prompt positions (a prefill chunk, its replay, or a fixed-depth forward). */
    public boolean isPrefill() {
        return call.kind().prompt();
    }

    /** Positions (rows) the call brings into the model. */
    public int rows() {
        return call.rows();
    }

    /** Iterations this entry ran when it exited (1-based, as the reference's {@code compute_steps}); 0 before. */
    public int exitStep() {
        return phase == Phase.EXITED ? iterations : 0;
    }

    /** True when the exit criterion ended the recurrence, false when a step cap (or a replay's recorded step) did. */
    public boolean converged() {
        return exitReason == ExitRule.Reason.CONVERGED;
    }

    /** The criterion's last computed value, NaN if no check ran. */
    public double criterionValue() {
        return criterionValue;
    }

    /** FP32 logits of the last row after exit, or null when the kind produces none. */
    public float[] lastLogits() {
        return logits == null ? null : logits[logits.length - 1];
    }

    /** FP32 logits of every row (a fixed-depth forward), or null. */
    public float[][] allLogits() {
        return logits;
    }

    /** The prelude ran: the entry runs from here on, with {@code running} in the backend's memory. */
    void begin(Running running) {
        this.running = running;
        this.phase = Phase.RUNNING;
    }

    /** The running entry's working set; null before the prelude, after exit and after its sequence's release. */
    Running running() {
        return running;
    }

    /** Core iterations completed so far. */
    int iterations() {
        return iterations;
    }

    /** One more core iteration ran; returns the count. */
    int countIteration() {
        return ++iterations;
    }

    /** The criterion must be checked on this step's logits, after the coda and head ({@link ExitTail}). */
    void awaitLogitCheck() {
        logitCheckDue = true;
    }

    boolean logitCheckDue() {
        return logitCheckDue;
    }

    /** A check of the criterion returned {@code value}. */
    void recordCheck(double value) {
        criterionValue = value;
        logitCheckDue = false;
    }

    /** {@link ExitRule} ended the recurrence after this iteration, for {@code reason}. */
    void exit(ExitRule.Reason reason) {
        exitReason = reason;
        phase = Phase.EXITED;
    }

    /**
     * After the exit's coda and head: keeps the logits of the kind's rows (null when none), hands a warm-started
     * sequence its exit latent, and frees the entry's backend memory.
     */
    void finish(float[][] logitRows) {
        logits = logitRows;
        Sequence seq = call.sequence();
        if (seq.initialState().warmStart() && call.kind().setsWarmLatent()) {
            seq.warmLatent(running.state().rowToHeap(rows() - 1));
        }
        freeBlocks();
        seq.callExited(this);
    }

    /** Frees the entry's backend memory (its state, injection and checked state); at exit, or when released. */
    void freeBlocks() {
        if (running != null) {
            if (running.checkedState() != null) {
                running.checkedState().close();
            }
            running.injected().close();
            running.state().close();
            running = null;
        }
    }
}
