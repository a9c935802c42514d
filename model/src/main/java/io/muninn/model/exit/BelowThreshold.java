package io.muninn.model.exit;

import java.util.function.DoubleFunction;

/**
 * What the criteria that exit when their value falls below a threshold share ({@code kl}, {@code minp-kl},
 * {@code entropy-diff}, {@code latent-diff}, {@code cosine}): the name users write, a finite threshold > 0, loosening
 * by multiplying the threshold ({@link Relaxation}), and equality by kind and threshold. A criterion's class supplies
 * its name, how it is made at another threshold (its constructor) and its formula.
 */
abstract sealed class BelowThreshold permits KlDivergenceExit, MinPKlExit, EntropyDiffExit, LatentDiffExit, CosineExit {
    private final String name;
    private final double threshold;
    private final DoubleFunction<ExitCriterion> atThreshold;

    BelowThreshold(String name, double threshold, DoubleFunction<ExitCriterion> atThreshold) {
        this.name = name;
        this.threshold = Checks.positiveFiniteThreshold(name, threshold);
        this.atThreshold = atThreshold;
    }

    /** The same criterion with the threshold multiplied by {@code factor} (staying finite, as a threshold must). */
    public ExitCriterion loosened(double factor) {
        return atThreshold.apply(Math.min(threshold * factor, Double.MAX_VALUE));
    }

    /** The criterion's name as users write it, e.g. {@code kl}. */
    public String name() {
        return name;
    }

    /** The threshold the values must fall below. */
    public double threshold() {
        return threshold;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass()
                && Double.compare(((BelowThreshold) o).threshold, threshold) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Double.hashCode(threshold);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[threshold=" + threshold + "]";
    }
}
