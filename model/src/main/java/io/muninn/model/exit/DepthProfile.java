package io.muninn.model.exit;

/**
 * The depth the model has recently used, as two quantiles of the exit steps of unrelaxed tokens: what
 * {@link Relaxation}'s step-cap stages (3 and 4) follow, so they bind on a model that exits at 3 steps as on one that
 * exits at 30. The scheduler measures it (model/README.md, "Depth that bends to a latency target"); {@link #NONE}
 * (nothing measured yet) leaves the caps at their fractions of {@code max_steps}.
 *
 * @param high the stage-3 quantile of recent unrelaxed exit steps (p90), at least {@code low}; 0 in {@link #NONE}
 * @param low  the stage-4 quantile (p75), at least 1; 0 in {@link #NONE}
 */
public record DepthProfile(int high, int low) {
    /** Nothing measured: the step caps are the fractions of {@code max_steps} alone. */
    public static final DepthProfile NONE = new DepthProfile(0, 0);

    public DepthProfile {
        if (!(high == 0 && low == 0) && (low < 1 || high < low)) {
            throw new IllegalArgumentException(String.format(
                    "depth profile needs 1 <= low <= high (or both 0 for none) but low was %s and high %s", low, high));
        }
    }

    public boolean isEmpty() {
        return high == 0;
    }
}
