package io.muninn.model.engine;

import io.muninn.model.kv.SequenceKv;

/**
 * The engine's per-sequence decode state: its seed, its initial-state options, its KV cache and, with warm start,
 * the raw latent its last token exited with. Small and mutable; owned by one scheduler thread.
 */
public final class Sequence {
    private final long seed;
    private final double initScale;
    private final boolean warmStart;
    private final SequenceKv kv;
    private float[] warmLatent;
    StepEntry inFlight; // the latest forward call, until it exits (its backend memory is freed on release)

    Sequence(long seed, double initScale, boolean warmStart, SequenceKv kv) {
        if (!(initScale >= 0) || Double.isInfinite(initScale)) {
            throw new IllegalArgumentException("init_scale must be a finite number >= 0 but was " + initScale);
        }
        this.seed = seed;
        this.initScale = initScale;
        this.warmStart = warmStart;
        this.kv = kv;
    }

    public long seed() {
        return seed;
    }

    public double initScale() {
        return initScale;
    }

    public boolean warmStart() {
        return warmStart;
    }

    /** Positions that have entered a forward call. */
    public int length() {
        return kv.length();
    }

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
}
