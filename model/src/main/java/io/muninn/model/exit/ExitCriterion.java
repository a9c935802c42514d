package io.muninn.model.exit;

import java.util.List;

/**
 * Decides when a token's latent state has converged. A criterion is immutable and stateless: what it
 * remembers between the checks of one token lives in that token's {@link ExitMemory}. Values are float64; the
 * logit criteria read the fp32 logits of the call's last row, the latent criteria the raw (pre-{@code ln_f}) core
 * outputs of all its rows. Transcendentals are {@link StrictMath}, so decisions do not depend on the JVM.
 *
 * <p>Use, for one token (see {@link ExitPolicy} for when to check):
 * <pre>{@code
 * ExitCriterion criterion = ExitCriterion.of("kl", 5e-4);    // parse the user's string once
 * ExitMemory memory = criterion.start(s0, rows, hidden, vocabSize);
 * for (int k = 0; k < policy.maxSteps(); k++) {
 *     // ... one core iteration: latents = R(adapter([s, e])) ...
 *     if (policy.checksAt(k, prefill)) {
 *         float[] logits = criterion.needsLogits() ? headOfLastRow(latents) : null;
 *         if (criterion.exits(criterion.evaluate(memory, logits, latents, rows, hidden))) { exitStep = k + 1; break; }
 *     }
 *     if (policy.forcedAt(k)) { exitStep = k + 1; }
 * }
 * }</pre>
 */
public sealed interface ExitCriterion permits LogitCriterion, LatentCriterion, FixedSteps {

    /** The accepted names, in the order of the model README's table of exit criteria. */
    List<String> NAMES = List.of(KlDivergenceExit.NAME, MinPKlExit.NAME, EntropyDiffExit.NAME, LatentDiffExit.NAME,
            CosineExit.NAME, ArgmaxStabilityExit.NAME, FixedSteps.NAME);

    /** The criterion's name as users write it, e.g. {@code kl}. */
    String name();

    /** The threshold its values are compared with; NaN for {@code none}. */
    double threshold();

    /** Whether {@link #evaluate} reads the last row's logits (so the coda and head must run at every check). */
    boolean needsLogits();

    /**
     * Whether {@link #evaluate} reads the raw core outputs ({@code latent-diff}, {@code cosine}); a caller that keeps
     * the previous check's outputs itself (a backend, for {@link BatchedChecks#latents}) keeps them only then.
     */
    default boolean readsLatents() {
        return false;
    }

    /**
     * A fresh memory for one token whose recurrence starts from {@code initialLatents} (s0, row-major
     * {@code rows x hidden}), holding the criterion's initial "previous" (see each criterion's class comment). Logit
     * criteria ignore the latents (they may be null); latent criteria ignore {@code vocabSize}.
     */
    ExitMemory start(float[] initialLatents, int rows, int hidden, int vocabSize);

    /**
     * A fresh memory for one token whose checks run in batches ({@link BatchedChecks}) rather than through
     * {@link #evaluate}: what {@link #start} holds for a logit criterion ({@code kl}: its batched form's, see
     * {@code BatchedKl}), nothing but the count and last value for a latent one (the caller keeps s0 and the previous
     * outputs where they lie).
     */
    default ExitMemory startBatched(int vocabSize) {
        return start(null, 0, 0, vocabSize);
    }

    /**
     * Runs one check: computes the value from this step's outputs and the memory, moves the memory forward to this
     * step, and returns the value (also stored as {@link ExitMemory#getLastValue()}).
     *
     * @param lastRowLogits fp32 logits of the call's last row; may be null when {@link #needsLogits()} is false
     * @param latents       raw core outputs of all rows of the call, row-major {@code rows x hidden} (may be longer);
     *                      unused by logit criteria
     */
    double evaluate(ExitMemory memory, float[] lastRowLogits, float[] latents, int rows, int hidden);

    /**
     * Whether a check that returned {@code value} lets the token exit: when it is below {@link #threshold()}, unless
     * the criterion says otherwise ({@code argmax-stability} exits at or above it).
     */
    default boolean exits(double value) {
        return value < threshold();
    }

    /**
     * This criterion loosened by {@code factor} (> 1), for latency relaxation ({@link Relaxation}): a value threshold
     * is multiplied by it (staying finite), a count divided by it; {@code none} stays as it is.
     */
    ExitCriterion loosened(double factor);

    /**
     * The criterion called {@code name} with the given threshold: the one place a user's string becomes a type.
     * {@code none} takes no threshold and ignores the given one.
     *
     * @throws IllegalArgumentException for an unknown name, listing the accepted ones, or an invalid threshold
     */
    static ExitCriterion of(String name, double threshold) {
        if (name == null) {
            throw unknown(null);
        }
        return switch (name) {
            case KlDivergenceExit.NAME -> new KlDivergenceExit(threshold);
            case MinPKlExit.NAME -> new MinPKlExit(threshold);
            case EntropyDiffExit.NAME -> new EntropyDiffExit(threshold);
            case LatentDiffExit.NAME -> new LatentDiffExit(threshold);
            case CosineExit.NAME -> new CosineExit(threshold);
            case ArgmaxStabilityExit.NAME -> ArgmaxStabilityExit.ofThreshold(threshold);
            case FixedSteps.NAME -> new FixedSteps();
            default -> throw unknown(name);
        };
    }

    /**
     * The criterion called {@code name} with its default threshold: kl 5e-4 (the paper's), minp-kl 1e-6,
     * entropy-diff 1e-3, latent-diff 0.03, cosine 1e-3, argmax-stability 5.
     */
    static ExitCriterion withDefaultThreshold(String name) {
        if (name == null) {
            throw unknown(null);
        }
        return switch (name) {
            case KlDivergenceExit.NAME -> new KlDivergenceExit(KlDivergenceExit.DEFAULT_THRESHOLD);
            case MinPKlExit.NAME -> new MinPKlExit(MinPKlExit.DEFAULT_THRESHOLD);
            case EntropyDiffExit.NAME -> new EntropyDiffExit(EntropyDiffExit.DEFAULT_THRESHOLD);
            case LatentDiffExit.NAME -> new LatentDiffExit(LatentDiffExit.DEFAULT_THRESHOLD);
            case CosineExit.NAME -> new CosineExit(CosineExit.DEFAULT_THRESHOLD);
            case ArgmaxStabilityExit.NAME -> new ArgmaxStabilityExit(ArgmaxStabilityExit.DEFAULT_STABLE_CHECKS);
            case FixedSteps.NAME -> new FixedSteps();
            default -> throw unknown(name);
        };
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException(String.format("exit criterion must be one of %s but was %s", NAMES,
                name == null ? "null" : "'" + name + "'"));
    }
}
