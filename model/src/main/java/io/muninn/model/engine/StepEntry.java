package io.muninn.model.engine;

import io.muninn.model.backend.LatentRows;
import io.muninn.model.exit.ExitMemory;
import io.muninn.model.exit.ExitPolicy;

/**
 * One forward call in flight: a prefill chunk or one decode row of a sequence, at its own recurrence step. The
 * engine advances every entry of a micro-batch by one step; an entry ends {@link Phase#EXITED} with its exit step,
 * its criterion value and (when it is a sequence's last call before a new token) its logits.
 */
public final class StepEntry {

    /** Where an entry is. */
    public enum Phase { NEW, RUNNING, EXITED }

    /** Which rows' logits an exiting entry produces. */
    public enum Logits { NONE, LAST_ROW, ALL_ROWS }

    final Sequence sequence;
    final int[] tokens;
    final int firstPosition;
    final boolean prefill;
    final Logits logitsWanted;
    final ExitPolicy policy;
    final int forcedExitStep;

    Phase phase = Phase.NEW;
    LatentRows injected; // e · A_eᵀ (rows, H), in the backend's memory until the entry exits
    LatentRows state; // raw latent s (rows, H), in the backend's memory until the entry exits
    LatentRows checkedState; // raw s at the previous latent check (s0 first), latent criteria only; freed likewise
    int iterations;
    ExitMemory memory;
    double criterionValue = Double.NaN;
    float[][] logits;
    int exitStep;
    boolean converged;
    boolean logitCheckPending;

    StepEntry(Sequence sequence, int[] tokens, int firstPosition, boolean prefill, Logits logitsWanted,
            ExitPolicy policy, int forcedExitStep) {
        this.sequence = sequence;
        this.tokens = tokens;
        this.firstPosition = firstPosition;
        this.prefill = prefill;
        this.logitsWanted = logitsWanted;
        this.policy = policy;
        this.forcedExitStep = forcedExitStep;
    }

    public Sequence sequence() {
        return sequence;
    }

    public Phase phase() {
        return phase;
    }

    public boolean exited() {
        return phase == Phase.EXITED;
    }

    public boolean isPrefill() {
        return prefill;
    }

    public int rows() {
        return tokens.length;
    }

    public int firstPosition() {
        return firstPosition;
    }

    /** Core iterations completed so far. */
    public int iterations() {
        return iterations;
    }

    /** Iterations this entry ran when it exited (1-based, as the reference's {@code compute_steps}). */
    public int exitStep() {
        return exitStep;
    }

    /** True when the exit criterion ended the recurrence, false when {@code max_steps} (or a replay) did. */
    public boolean converged() {
        return converged;
    }

    /** The criterion's last computed value, NaN if no check ran. */
    public double criterionValue() {
        return criterionValue;
    }

    /** FP32 logits of the last row after exit, or null when none were wanted. */
    public float[] lastLogits() {
        return logits == null ? null : logits[logits.length - 1];
    }

    /** FP32 logits of every row (ALL_ROWS entries), or null. */
    public float[][] allLogits() {
        return logits;
    }

    public ExitPolicy policy() {
        return policy;
    }

    /** Frees the entry's backend memory (its state, injection and checked state); at exit, or when released. */
    void freeBlocks() {
        if (checkedState != null) {
            checkedState.close();
            checkedState = null;
        }
        if (injected != null) {
            injected.close();
            injected = null;
        }
        if (state != null) {
            state.close();
            state = null;
        }
    }
}
