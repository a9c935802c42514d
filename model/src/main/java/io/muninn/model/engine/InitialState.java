package io.muninn.model.engine;

import io.muninn.model.config.ModelConfig;
import io.muninn.model.rng.CounterRng;

/**
 * Where a sequence's recurrence starts (model/README.md, "Determinism"): the random s0 of each position, drawn from
 * the request's seed and the position alone and scaled by {@code init_scale}, so chunking, batching and restarts
 * never change it; with {@code warmStart} a decode row starts instead from the previous token's exit latent
 * ({@link Sequence#warmLatent()}).
 */
public record InitialState(long seed, double initScale, boolean warmStart) {

    public InitialState {
        if (!(initScale >= 0) || Double.isInfinite(initScale)) {
            throw new IllegalArgumentException("init_scale must be a finite number >= 0 but was " + initScale);
        }
    }

    /** The random s0 (rows, H, row-major) of positions {@code first ..}: drawn from (seed, position) alone. */
    float[] randomRows(ModelConfig config, int first, int rows) {
        int hidden = config.hiddenSize();
        float[] s0 = new float[rows * hidden];
        for (int r = 0; r < rows; r++) {
            CounterRng.initialStateRow(seed, first + r, config.initStd(), initScale, config.embedScale(),
                    s0, r * hidden, hidden);
        }
        return s0;
    }
}
