package io.muninn.model.exit;

/**
 * The bounded stages by which a latency target loosens exits (issue 16): first a larger threshold, so tokens that
 * nearly converged exit now, then a lower step cap, so the hardest tokens stop earlier. Never below the policy's
 * {@link ExitPolicy#stepFloor()} ({@code min_steps}, at least 1). Stage 0 is the policy as asked, returned as the same
 * object, so a server with no target behaves exactly as before.
 *
 * <table>
 *   <tr><th>stage</th><th>threshold</th><th>step cap</th></tr>
 *   <tr><td>0</td><td>as asked</td><td>max_steps</td></tr>
 *   <tr><td>1</td><td>x {@value #THRESHOLD_FACTOR_1}</td><td>max_steps</td></tr>
 *   <tr><td>2</td><td>x {@value #THRESHOLD_FACTOR_2}</td><td>max_steps</td></tr>
 *   <tr><td>3</td><td>x {@value #THRESHOLD_FACTOR_2}</td><td>min(ceil(3/4 max_steps), profile p90)</td></tr>
 *   <tr><td>4</td><td>x {@value #THRESHOLD_FACTOR_2}</td><td>min(ceil(1/2 max_steps), profile p75)</td></tr>
 * </table>
 *
 * <p>The caps follow the depth the model actually uses ({@link DepthProfile}: quantiles of the exit steps of recent
 * tokens that ran unrelaxed, measured by the scheduler), so they bind on a model that exits far below
 * {@code max_steps}; with an empty profile ({@link DepthProfile#NONE}) they are the fractions of {@code max_steps}
 * alone. Either way, never below the step floor.
 *
 * <p>"Larger" means looser for every criterion: the value thresholds ({@code kl}, {@code minp-kl},
 * {@code entropy-diff}, {@code latent-diff}, {@code cosine}) are multiplied by the factor; {@code argmax-stability}'s
 * stable-check count is divided by it (at least 1); {@code none} has no threshold and only feels the cap. Each
 * criterion says how it loosens ({@link ExitCriterion#loosened}).
 */
public final class Relaxation {
    public static final int MAX_STAGE = 4;
    public static final double THRESHOLD_FACTOR_1 = 4;
    public static final double THRESHOLD_FACTOR_2 = 16;

    private Relaxation() {}

    /** {@code policy} loosened to {@code stage} with no measured depth ({@link DepthProfile#NONE}). */
    public static ExitPolicy apply(ExitPolicy policy, int stage) {
        return apply(policy, stage, DepthProfile.NONE);
    }

    /**
     * {@code policy} loosened to {@code stage}, in [0, {@link #MAX_STAGE}], its step caps following {@code profile};
     * stage 0 returns {@code policy} itself.
     */
    public static ExitPolicy apply(ExitPolicy policy, int stage, DepthProfile profile) {
        if (stage < 0 || stage > MAX_STAGE) {
            throw new IllegalArgumentException(
                    String.format("relaxation stage must be in [0, %s] but was %s", MAX_STAGE, stage));
        }
        if (stage == 0) {
            return policy;
        }
        double factor = stage == 1 ? THRESHOLD_FACTOR_1 : THRESHOLD_FACTOR_2;
        ExitPolicy loosened = new ExitPolicy(policy.criterion().loosened(factor), policy.minSteps(), policy.maxSteps(),
                policy.checkEvery(), policy.exitInPrefill());
        return switch (stage) {
            case 3 -> loosened.withStepCap(measured((3 * policy.maxSteps() + 3) / 4, profile.high(), profile));
            case 4 -> loosened.withStepCap(measured((policy.maxSteps() + 1) / 2, profile.low(), profile));
            default -> loosened;
        };
    }

    private static int measured(int fraction, int quantile, DepthProfile profile) {
        return profile.isEmpty() ? fraction : Math.min(fraction, quantile);
    }
}
