package io.muninn.model.engine;

import io.muninn.model.kv.SequenceKv;

/**
 * The engine's per-sequence decode state: where its recurrence starts ({@link InitialState}), its KV cache, its
 * forward call in flight and, with warm start, the raw latent its last token exited with. Small and mutable; owned
 * by one scheduler thread.
 */
public final class Sequence {
    private final InitialState initialState;
    private final SequenceKv kv;
    private float[] warmLatent;
    private StepEntry inFlight; // the latest forward call, until it exits (its backend memory is freed on release)

    Sequence(InitialState initialState, SequenceKv kv) {
        this.initialState = initialState;
        this.kv = kv;
    }

    /** Positions that have entered a forward call. */
    public int length() {
        return kv.length();
    }

    /** Where each of its calls' recurrence starts: its seed, {@code init_scale} and whether it starts warm. */
    public InitialState initialState() {
        return initialState;
    }

    /** Its KV cache; it takes pool blocks as the sequence grows, and {@link RecurrentDepthEngine#release} returns them. */
    public SequenceKv kv() {
        return kv;
    }

    /**
     * With warm start, the raw (pre-{@code ln_f}) last-row latent of the last exited call; null before one, and
     * always null without warm start (the latent then stays in the backend's memory).
     */
    public float[] warmLatent() {
        return warmLatent;
    }

    /** Restores the warm-start latent (after replay or from state). */
    public void warmLatent(float[] latent) {
        this.warmLatent = latent;
    }

    /** {@code entry} is now the sequence's call in flight. */
    void callStarted(StepEntry entry) {
        inFlight = entry;
    }

    /** {@code entry} exited; it is no longer the call in flight. */
    void callExited(StepEntry entry) {
        if (inFlight == entry) {
            inFlight = null;
        }
    }

    /** Frees the backend memory of the call in flight, if one has not exited; that call must not be stepped again. */
    void abandonCallInFlight() {
        if (inFlight != null) {
            inFlight.freeBlocks();
            inFlight = null;
        }
    }
}
